#pragma once
// The central area: the three slice views and the study information, as the
// radiology 2x2 (axial | sagittal over coronal | information) or one view maximized.
// Which view is active (last clicked) decides where F-keys and exports act.

#include <QWidget>

#include "gui/OverlaySettings.h"
#include "gui/SliceGeometry.h"
#include "gui/ViewState.h"

class QGridLayout;
class QLabel;

namespace aunet::gui {

class SliceView;
class ViewerDocument;

class ViewGrid : public QWidget {
  Q_OBJECT
 public:
  ViewGrid(ViewState* state, ViewerDocument* document, OverlaySettings* overlays, QWidget* parent = nullptr);

  SliceView* view(ViewAxis axis) const { return views_[ViewState::viewIndex(axis)]; }
  SliceView* activeView() const;
  void setActive(ViewAxis axis) { active_ = axis; }
  ViewAxis active() const { return active_; }

  void showAll();
  void maximize(ViewAxis axis);
  bool isMaximized(ViewAxis axis) const { return maximized_ == ViewState::viewIndex(axis); }
  bool anyMaximized() const { return maximized_ >= 0; }

  void setInformation(const QString& richText);

 private:
  void layoutViews();

  QGridLayout* grid_ = nullptr;
  SliceView* views_[ViewState::kViews] = {nullptr, nullptr, nullptr};
  QWidget* infoPanel_ = nullptr;
  QLabel* infoText_ = nullptr;
  int maximized_ = -1;
  ViewAxis active_ = ViewAxis::Axial;
};

}  // namespace aunet::gui
