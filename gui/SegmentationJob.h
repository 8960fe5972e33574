#pragma once
// Runs a model::Segmenter on a worker thread (QtConcurrent) so the window stays
// responsive: progress arrives as queued signals (throttled, so a chatty pipeline
// cannot flood the event loop), cancel() sets the CancellationToken the pipeline
// polls, and exactly one of succeeded/failed/cancelled follows each start().

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>

#include "core/Progress.h"
#include "core/Volume.h"
#include "model/api/Segmenter.h"

namespace aunet::gui {

class SegmentationJob : public QObject {
  Q_OBJECT
 public:
  explicit SegmentationJob(QObject* parent = nullptr);
  ~SegmentationJob() override;  // cancels and waits: the worker never outlives the job

  bool running() const { return running_; }
  // False (and nothing happens) while a job runs or without segmenter/image.
  bool start(std::shared_ptr<model::Segmenter> segmenter, std::shared_ptr<const core::Volume> image,
             const model::SegmentationSettings& settings);
  void cancel();
  // Blocks until the worker has finished (shutdown, tests); signals still follow
  // from the event loop.
  void waitForWorker();
  // The last successful result; empty after taking it.
  std::unique_ptr<model::SegmentationResult> takeResult() { return std::move(result_); }

 Q_SIGNALS:
  void progressChanged(double fraction, const QString& stage);
  void succeeded();
  void failed(const QString& message);
  void cancelled();

 private:
  struct Outcome {
    std::shared_ptr<model::SegmentationResult> result;
    QString error;
    bool cancelled = false;
  };
  void onFinished();

  QFutureWatcher<Outcome> watcher_;
  std::shared_ptr<core::CancellationToken> token_;
  std::unique_ptr<model::SegmentationResult> result_;
  bool running_ = false;
};

}  // namespace aunet::gui
