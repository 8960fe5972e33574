// The background segmentation worker: progress, result, cancellation, errors, and an
// event loop that keeps running while it works. Nothing here is timed: the fake
// segmenter counts its steps and can wait for the UI thread between them.

#include <gtest/gtest.h>

#include <thread>

#include <QTimer>

#include "gui/SegmentationJob.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

using testing::FakeSegmenter;
using testing::waitUntil;

std::shared_ptr<const core::Volume> smallImage() {
  core::Geometry g;
  g.size = {16, 16, 8};
  return std::make_shared<const core::Volume>(core::Phantom::ellipsoids(g, 1, 1.0).image);
}

TEST(SegmentationJobTest, ReportsProgressAndDeliversTheResultWithoutBlocking) {
  testing::application();
  SegmentationJob job;
  std::vector<double> fractions;
  bool done = false;
  QObject::connect(&job, &SegmentationJob::progressChanged, [&](double f, const QString& stage) {
    fractions.push_back(f);
    EXPECT_EQ(stage, "inference");
  });
  QObject::connect(&job, &SegmentationJob::succeeded, [&] { done = true; });
  model::SegmentationSettings settings;
  settings.withAttention = true;
  auto segmenter = std::make_shared<FakeSegmenter>(10, 1);
  // Each step waits for a turn of the UI thread's event loop: the job can only finish
  // if the loop keeps running while the worker works.
  segmenter->waitForUiBetweenSteps();
  QTimer turns;
  QObject::connect(&turns, &QTimer::timeout, [&] { segmenter->uiTurn(); });
  turns.start(0);
  ASSERT_TRUE(job.start(segmenter, smallImage(), settings));
  EXPECT_TRUE(job.running());
  EXPECT_FALSE(job.start(std::make_shared<FakeSegmenter>(), smallImage(), settings));  // one at a time
  ASSERT_TRUE(waitUntil([&] { return done; }));
  turns.stop();
  EXPECT_FALSE(job.running());
  EXPECT_EQ(segmenter->stepsDone(), 10);
  EXPECT_NE(segmenter->workerThread(), std::this_thread::get_id()) << "segmented on the UI thread";
  ASSERT_FALSE(fractions.empty());
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  auto result = job.takeResult();
  ASSERT_TRUE(result);
  EXPECT_GT(result->labels.count(1), 0);
  ASSERT_EQ(result->attention.size(), 1u);
  EXPECT_FALSE(job.takeResult());
}

TEST(SegmentationJobTest, CancelStopsTheWorker) {
  testing::application();
  SegmentationJob job;
  bool cancelled = false, succeeded = false;
  QObject::connect(&job, &SegmentationJob::cancelled, [&] { cancelled = true; });
  QObject::connect(&job, &SegmentationJob::succeeded, [&] { succeeded = true; });
  auto segmenter = std::make_shared<FakeSegmenter>(1000, 10);
  ASSERT_TRUE(job.start(segmenter, smallImage(), {}));
  ASSERT_TRUE(waitUntil([&] { return segmenter->stepsDone() > 0; }));
  job.cancel();
  ASSERT_TRUE(waitUntil([&] { return cancelled || succeeded; }));
  EXPECT_TRUE(cancelled);
  EXPECT_FALSE(succeeded);
  EXPECT_LT(segmenter->stepsDone(), 1000);  // stopped between steps, not run to the end
  EXPECT_FALSE(job.takeResult());
}

TEST(SegmentationJobTest, ErrorsArriveAsAMessage) {
  testing::application();
  SegmentationJob job;
  QString message;
  QObject::connect(&job, &SegmentationJob::failed, [&](const QString& m) { message = m; });
  ASSERT_TRUE(job.start(std::make_shared<FakeSegmenter>(1, 1, true), smallImage(), {}));
  ASSERT_TRUE(waitUntil([&] { return !message.isEmpty(); }));
  EXPECT_TRUE(message.contains("wrong channel count")) << message.toStdString();
}

TEST(SegmentationJobTest, DestroyingARunningJobWaitsForItsWorker) {
  testing::application();
  auto job = std::make_unique<SegmentationJob>();
  auto segmenter = std::make_shared<FakeSegmenter>(1000, 10);
  ASSERT_TRUE(job->start(segmenter, smallImage(), {}));
  job.reset();  // cancels; must neither crash nor wait for the whole job
  const int stepsAtDestruction = segmenter->stepsDone();
  EXPECT_LT(stepsAtDestruction, 1000);
  waitUntil([] { return false; }, 30);
  EXPECT_EQ(segmenter->stepsDone(), stepsAtDestruction) << "the worker outlived its job";
}

}  // namespace
}  // namespace aunet::gui
