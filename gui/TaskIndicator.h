#pragma once
// The status bar's busy indicator: shown while the task runner has work pending.

#include <QProgressBar>

namespace aunet::gui {

class TaskRunner;

class TaskIndicator : public QProgressBar {
  Q_OBJECT
 public:
  TaskIndicator(TaskRunner& tasks, QWidget* parent = nullptr);
};

}  // namespace aunet::gui
