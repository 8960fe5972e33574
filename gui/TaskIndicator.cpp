#include "gui/TaskIndicator.h"

#include "gui/TaskRunner.h"

namespace aunet::gui {

TaskIndicator::TaskIndicator(TaskRunner& tasks, QWidget* parent) : QProgressBar(parent) {
  setRange(0, 0);  // busy indicator: readers report no progress
  setMaximumWidth(160);
  hide();
  connect(&tasks, &TaskRunner::started, this, &QWidget::show);
  connect(&tasks, &TaskRunner::idle, this, &QWidget::hide);
}

}  // namespace aunet::gui
