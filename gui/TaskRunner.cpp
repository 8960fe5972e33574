#include "gui/TaskRunner.h"

#include <QEventLoop>
#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <new>

namespace aunet::gui {

namespace {

struct Outcome {
  TaskRunner::UiStep apply;
  QString error;
};

}  // namespace

TaskRunner::~TaskRunner() { waitForWorkers(); }

void TaskRunner::waitForWorkers() {
  for (QFutureWatcherBase* watcher : findChildren<QFutureWatcherBase*>(Qt::FindDirectChildrenOnly))
    watcher->waitForFinished();
}

void TaskRunner::run(const QString& what, std::function<UiStep()> work, std::function<bool()> stillWanted) {
  ++pending_;
  Q_EMIT started(what);
  auto* watcher = new QFutureWatcher<Outcome>(this);
  connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, what, stillWanted] {
    watcher->deleteLater();
    Outcome out = watcher->result();
    if (out.apply && stillWanted && !stillWanted()) {
      Q_EMIT dropped(what);
    } else if (out.apply) {
      try {
        out.apply();
      } catch (const std::bad_alloc&) {
        out.error = "not enough memory";
      } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
      }
    }
    if (!out.error.isEmpty()) {
      ++failures_;
      Q_EMIT failed(out.error);
    }
    if (--pending_ == 0) Q_EMIT idle();
  });
  watcher->setFuture(QtConcurrent::run([work = std::move(work)]() {
    Outcome out;
    try {
      out.apply = work();
    } catch (const std::bad_alloc&) {
      out.error = "not enough memory";
    } catch (const std::exception& e) {
      out.error = QString::fromStdString(e.what());
    } catch (...) {
      out.error = "unexpected error";
    }
    if (!out.apply && out.error.isEmpty()) out.error = "unexpected error";
    return out;
  }));
}

bool TaskRunner::waitForIdle(int timeoutMs) {
  const int failuresBefore = failures_;
  if (pending_ > 0) {
    QEventLoop loop;
    connect(this, &TaskRunner::idle, &loop, &QEventLoop::quit);
    if (timeoutMs >= 0) QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
  }
  return pending_ == 0 && failures_ == failuresBefore;
}

}  // namespace aunet::gui
