#pragma once
// The central area: the three slice views and the 3D view, as the radiology 2x2
// (axial | sagittal over coronal | 3D) or one view maximized. (The study
// information lives in a dock of the main window.)
// Which view is active (last clicked) decides where F-keys and exports act.

#include <QWidget>

#include "gui/OverlaySettings.h"
#include "gui/SliceGeometry.h"
#include "gui/ViewState.h"

class QGridLayout;
class QLabel;

namespace aunet::gui {

class SliceView;
class SurfaceBuilder;
class SurfaceView;
class ViewerDocument;

class ViewGrid : public QWidget {
  Q_OBJECT
 public:
  ViewGrid(ViewState* state, ViewerDocument* document, OverlaySettings* overlays, SurfaceBuilder* surfaces,
           QWidget* parent = nullptr);

  SliceView* view(ViewAxis axis) const { return views_[ViewState::viewIndex(axis)]; }
  SliceView* activeView() const;
  // Null where the platform has no OpenGL (the pane then says so).
  SurfaceView* surfaceView() const { return surfaceView_; }
  void setActive(ViewAxis axis) { active_ = axis; }
  ViewAxis active() const { return active_; }

  void showAll();
  void maximize(ViewAxis axis);
  bool isMaximized(ViewAxis axis) const { return maximized_ == ViewState::viewIndex(axis); }
  bool anyMaximized() const { return maximized_ >= 0; }

 private:
  void layoutViews();

  QGridLayout* grid_ = nullptr;
  SliceView* views_[ViewState::kViews] = {nullptr, nullptr, nullptr};
  SurfaceView* surfaceView_ = nullptr;
  QWidget* surfacePane_ = nullptr;  // the 3D view, or the note that replaces it
  int maximized_ = -1;
  ViewAxis active_ = ViewAxis::Axial;
};

}  // namespace aunet::gui
