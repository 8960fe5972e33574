#pragma once
// The measurements dock: the tools (ruler, ellipse, rectangle) and the list of the
// image's measurements with their figures; selecting a row selects the measurement,
// a double click shows its slice, Delete removes it.

#include <QWidget>

#include "gui/MeasurementTool.h"

class QListWidget;
class QToolButton;

namespace aunet::gui {

class ViewState;

class MeasurementPanel : public QWidget {
  Q_OBJECT
 public:
  MeasurementPanel(MeasurementTool* tool, const ViewState* state, const ViewerDocument* document,
                   QWidget* parent = nullptr);
  QListWidget* list() const { return list_; }
  void refresh();

 Q_SIGNALS:
  void showRequested(int index);  // double click: move to the measurement's slice

 private:
  MeasurementTool* tool_;
  const ViewState* state_;
  const ViewerDocument* document_;
  QListWidget* list_;
  QToolButton* buttons_[3];
  bool refreshing_ = false;
};

}  // namespace aunet::gui
