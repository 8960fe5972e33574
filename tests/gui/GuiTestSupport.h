#pragma once
// Helpers for widget tests: one QApplication for the whole test binary (platform from
// QT_QPA_PLATFORM: offscreen under CTest, xcb under xvfb-run), generated phantom
// files, and a fake Segmenter that behaves like the pipeline (progress, cancellation)
// without a model.

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <chrono>
#include <string>
#include <atomic>
#include <thread>

#include "io/ImageWriter.h"
#include "core/Cancelled.h"
#include "core/Error.h"
#include "core/Phantom.h"
#include "model/api/Segmenter.h"

namespace aunet::gui::testing {

inline QApplication& application() {
  static int argc = 1;
  static char name[] = "aunet_gui_tests";
  static char* argv[] = {name, nullptr};
  static QApplication* app = [] {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    return new QApplication(argc, argv);
  }();
  return *app;
}

// A phantom on an anisotropic RAS-stored grid (as NIfTI files usually are), written
// as image + mask into `dir`.
struct PhantomFiles {
  core::Phantom phantom;
  std::string image, mask;
};

inline core::Geometry phantomGrid() {
  core::Geometry g;
  g.size = {48, 40, 24};
  g.spacing = {1.0, 1.0, 2.5};
  g.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
  g.origin = {30.0, 20.0, -10.0};
  return g;
}

inline PhantomFiles writePhantom(const QTemporaryDir& dir, const core::Geometry& g = phantomGrid(), uint64_t seed = 3) {
  PhantomFiles f{core::Phantom::ellipsoids(g, seed, 4.0), dir.filePath("image.nii.gz").toStdString(),
                 dir.filePath("mask.nii.gz").toStdString()};
  io::writeImage(f.phantom.image, f.image);
  io::writeLabelMap(f.phantom.labels, f.mask);
  return f;
}

// Thresholds the image into label 1 and returns a ramp as attention, in `steps` steps
// of `stepMs`, reporting progress and honouring cancellation like the pipeline.
class FakeSegmenter : public model::Segmenter {
 public:
  explicit FakeSegmenter(int steps = 10, int stepMs = 20, bool fail = false)
      : steps_(steps), stepMs_(stepMs), fail_(fail) {
    metadata_.description = "fake threshold model";
    metadata_.labels = {{0, "background", {0, 0, 0}}, {1, "organ", {0, 200, 255}}};
  }
  const model::ModelMetadata& metadata() const override { return metadata_; }
  model::ModelMetadata& editableMetadata() { return metadata_; }  // a plan for grid tests
  int stepsDone() const { return stepsDone_.load(); }
  std::thread::id workerThread() const { return thread_; }
  // Step s starts only after the UI thread called uiTurn() s + 1 times.
  void waitForUiBetweenSteps() { waitForUi_ = true; }
  void uiTurn() { ++uiTurns_; }
  model::SegmentationResult segment(const core::Volume& image, const model::SegmentationSettings& settings,
                                    const core::ProgressCallback& progress,
                                    const core::CancellationToken* cancel) override {
    thread_ = std::this_thread::get_id();
    for (int s = 0; s < steps_; ++s) {
      if (cancel && cancel->cancelled()) throw core::Cancelled();
      // A step may wait for the UI thread (see waitForUiBetweenSteps): proof that the
      // event loop runs while the worker works, without timing anything.
      while (waitForUi_ && uiTurns_.load() <= s) {
        if (cancel && cancel->cancelled()) throw core::Cancelled();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(stepMs_));
      ++stepsDone_;
      if (progress) progress(static_cast<double>(s + 1) / steps_, "inference");
    }
    if (fail_) throw core::Error(image.metadata().sourcePath, "wrong channel count (fake)");
    model::SegmentationResult r;
    r.labels = core::LabelMap(image.geometry());
    for (size_t i = 0; i < r.labels.labels().size(); ++i) r.labels.labels()[i] = image.voxels()[i] > 50.0f ? 1 : 0;
    if (settings.withAttention) {
      core::Volume a(image.geometry(), 1);
      for (size_t i = 0; i < a.voxels().size(); ++i) a.voxels()[i] = image.voxels()[i] > 50.0f ? 0.9f : 0.0f;
      r.attention.push_back(std::move(a));
      r.attentionLevels.push_back(2);
    }
    r.totalSeconds = steps_ * stepMs_ / 1000.0;
    return r;
  }

 private:
  model::ModelMetadata metadata_;
  int steps_, stepMs_;
  bool fail_;
  std::atomic<int> stepsDone_{0}, uiTurns_{0};
  std::atomic<bool> waitForUi_{false};
  std::thread::id thread_;
};

// Runs the event loop until `done()` or the timeout; returns done().
template <typename Predicate>
bool waitUntil(Predicate done, int timeoutMs = 10000) {
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < timeoutMs) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
  return done();
}

}  // namespace aunet::gui::testing
