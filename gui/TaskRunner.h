#pragma once
// The viewer's one way to run work off the UI thread (reading images, masks, attention
// maps and models; counting statistics): work() runs on a worker and returns the step
// that applies its result on the UI thread. A result whose moment has passed (another
// image was opened meanwhile: stillWanted() says false) is dropped, not applied.
// Errors reach failed(message) as one line. Widget-free (tests run it headless).

#include <QObject>
#include <QString>

#include <functional>

namespace aunet::gui {

class TaskRunner : public QObject {
  Q_OBJECT
 public:
  using UiStep = std::function<void()>;
  explicit TaskRunner(QObject* parent = nullptr) : QObject(parent) {}
  // Work still running on the thread pool would outlive what it reads (and, at exit,
  // the libraries it calls, e.g. VTK's statics): the runner waits for it.
  ~TaskRunner() override;

  // `what` is shown while it runs ("Loading x.nii.gz"); empty for quiet jobs.
  void run(const QString& what, std::function<UiStep()> work, std::function<bool()> stillWanted = {});

  int pending() const { return pending_; }
  int failures() const { return failures_; }  // ever, so callers can compare
  // For scripted use (the viewer's command line, tests): runs the event loop until
  // no job is pending or `timeoutMs` passed; true when all finished without error.
  bool waitForIdle(int timeoutMs = -1);
  // Blocks until every job's work() has returned, without applying results: for owners
  // about to destroy what the work reads.
  void waitForWorkers();

 Q_SIGNALS:
  void started(const QString& what);
  void failed(const QString& message);
  void dropped(const QString& what);  // a result that was no longer wanted
  void idle();                        // pending() dropped to zero

 private:
  int pending_ = 0;
  int failures_ = 0;
};

}  // namespace aunet::gui
