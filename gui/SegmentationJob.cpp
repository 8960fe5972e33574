#include "gui/SegmentationJob.h"

#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <chrono>
#include <exception>

#include "core/Cancelled.h"
#include "core/Error.h"

namespace aunet::gui {

SegmentationJob::SegmentationJob(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &SegmentationJob::onFinished);
}

SegmentationJob::~SegmentationJob() {
  cancel();
  watcher_.disconnect();
  watcher_.waitForFinished();
}

bool SegmentationJob::start(std::shared_ptr<model::Segmenter> segmenter, std::shared_ptr<const core::Volume> image,
                            const model::SegmentationSettings& settings) {
  if (running_ || !segmenter || !image) return false;
  running_ = true;
  result_.reset();
  token_ = std::make_shared<core::CancellationToken>();
  auto token = token_;
  // Progress is posted to this object's thread; events for a deleted job are dropped by Qt.
  QPointer<SegmentationJob> self(this);
  auto lastFraction = std::make_shared<std::atomic<int>>(-1);
  core::ProgressCallback progress = [self, lastFraction](double fraction, const std::string& stage) {
    const int permille = static_cast<int>(fraction * 1000.0);
    if (permille - lastFraction->load() < 5 && permille < 1000) return;  // at most ~200 updates per job
    lastFraction->store(permille);
    if (!self) return;
    const QString s = QString::fromStdString(stage);
    QMetaObject::invokeMethod(
        self.data(), [self, fraction, s]() {
          if (self) Q_EMIT self->progressChanged(fraction, s);
        },
        Qt::QueuedConnection);
  };
  watcher_.setFuture(QtConcurrent::run([segmenter, image, settings, progress, token]() {
    Outcome out;
    try {
      out.result = std::make_shared<model::SegmentationResult>(segmenter->segment(*image, settings, progress, token.get()));
    } catch (const core::Cancelled&) {
      out.cancelled = true;
    } catch (const std::exception& e) {
      out.error = QString::fromStdString(e.what());
    } catch (...) {
      out.error = "segmentation failed with an unknown error";
    }
    // A pipeline may finish its last step after cancel() without noticing; the user asked to stop.
    if (token->cancelled()) {
      out.result.reset();
      out.cancelled = true;
    }
    return out;
  }));
  return true;
}

void SegmentationJob::cancel() {
  if (token_) token_->cancel();
}

void SegmentationJob::waitForWorker() { watcher_.waitForFinished(); }

void SegmentationJob::onFinished() {
  running_ = false;
  Outcome out = watcher_.result();
  if (out.cancelled) {
    Q_EMIT cancelled();
  } else if (out.result) {
    result_ = std::make_unique<model::SegmentationResult>(std::move(*out.result));
    Q_EMIT succeeded();
  } else {
    Q_EMIT failed(out.error.isEmpty() ? QString("segmentation failed") : out.error);
  }
}

}  // namespace aunet::gui
