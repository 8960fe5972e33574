#include "gui/ViewGrid.h"

#include <QGridLayout>
#include <QLabel>

#include "gui/SliceView.h"
#include "gui/SurfaceView.h"

namespace aunet::gui {

ViewGrid::ViewGrid(ViewState* state, ViewerDocument* document, OverlaySettings* overlays, SurfaceBuilder* surfaces,
                   QWidget* parent)
    : QWidget(parent) {
  grid_ = new QGridLayout(this);
  grid_->setContentsMargins(0, 0, 0, 0);
  grid_->setSpacing(2);
  setStyleSheet("background: #202020;");
  for (ViewAxis a : {ViewAxis::Axial, ViewAxis::Coronal, ViewAxis::Sagittal}) {
    views_[ViewState::viewIndex(a)] = new SliceView(a, state, document, overlays, this);
    connect(views_[ViewState::viewIndex(a)], &SliceView::activated, this, [this](ViewAxis axis) { active_ = axis; });
  }
  if (SurfaceView::openGLAvailable()) {
    surfaceView_ = new SurfaceView(surfaces, state, document, this);
    surfacePane_ = surfaceView_;
  } else {
    auto* note = new QLabel("3D view: no OpenGL on this display", this);
    note->setObjectName("view-3D-unavailable");
    note->setAlignment(Qt::AlignCenter);
    note->setStyleSheet("color: #a0a0a0;");
    surfacePane_ = note;
  }
  layoutViews();
}

SliceView* ViewGrid::activeView() const { return maximized_ >= 0 ? views_[maximized_] : view(active_); }

void ViewGrid::showAll() {
  maximized_ = -1;
  layoutViews();
}

void ViewGrid::maximize(ViewAxis axis) {
  maximized_ = ViewState::viewIndex(axis);
  active_ = axis;
  layoutViews();
}

void ViewGrid::layoutViews() {
  // Radiology 2x2: axial | sagittal over coronal | 3D.
  for (int i = 0; i < ViewState::kViews; ++i) grid_->removeWidget(views_[i]);
  grid_->removeWidget(surfacePane_);
  if (maximized_ >= 0) {
    for (int i = 0; i < ViewState::kViews; ++i) views_[i]->setVisible(i == maximized_);
    surfacePane_->hide();
    grid_->addWidget(views_[maximized_], 0, 0);
    return;
  }
  grid_->addWidget(view(ViewAxis::Axial), 0, 0);
  grid_->addWidget(view(ViewAxis::Sagittal), 0, 1);
  grid_->addWidget(view(ViewAxis::Coronal), 1, 0);
  grid_->addWidget(surfacePane_, 1, 1);
  for (auto* v : views_) v->show();
  surfacePane_->show();
}

}  // namespace aunet::gui
