#include "gui/EditInteraction.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

#include "gui/MaskEditor.h"
#include "gui/ViewerDocument.h"
#include "gui/SliceView.h"
#include "gui/ViewState.h"

namespace aunet::gui {

bool EditInteraction::paints() const { return editor_.tool() == EditTool::Brush || editor_.tool() == EditTool::Eraser; }

bool EditInteraction::press(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) {
  if (editor_.tool() == EditTool::Navigate || event->button() != Qt::LeftButton ||
      (event->modifiers() & (Qt::ShiftModifier | Qt::ControlModifier)))
    return false;
  if (inside) {
    if (paints())
      editor_.beginStroke(view.axis(), voxel);
    else
      editor_.click(view.axis(), voxel);
  }
  return true;  // outside the image: nothing to edit, and the crosshair stays
}

bool EditInteraction::move(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) {
  if (paints()) {
    hoverView_ = &view;
    hover_ = event->position();
    view.update();  // the footprint follows the pointer
  }
  if (!editor_.strokeActive()) return false;
  if (inside) editor_.continueStroke(voxel);
  return true;
}

bool EditInteraction::release(SliceView&, QMouseEvent* event, bool, const core::Index3&) {
  if (!editor_.strokeActive() || event->button() != Qt::LeftButton) return false;
  editor_.endStroke();
  return true;
}

void EditInteraction::leave(SliceView& view) {
  if (hoverView_ == &view) {
    hoverView_.clear();
    view.update();
  }
}

void EditInteraction::paintOver(SliceView& view, QPainter& painter) {
  if (!paints() || hoverView_ != &view) return;
  // The footprint as an ellipse in slice pixels (the brush is round in mm); snapped to
  // the centre of the voxel it paints around.
  core::Index3 voxel{0, 0, 0};
  if (!view.voxelAt(hover_, voxel)) return;
  const ViewPoint c = view.toSlice(hover_);
  const ViewPoint centre{std::floor(c.x) + 0.5, std::floor(c.y) + 0.5};
  const SliceGeometry& s = state_.slice(view.axis());
  const double r = editor_.brushDiameterMm() / 2.0;
  const QPointF a = view.toWidget({centre.x - r / s.horizontalSpacing, centre.y - r / s.verticalSpacing});
  const QPointF b = view.toWidget({centre.x + r / s.horizontalSpacing, centre.y + r / s.verticalSpacing});
  const imaging::PaintRule& rule = editor_.paintRule();
  const auto image = editor_.document().image();
  if (rule.threshold && image && !editor_.brush3D()) {
    // Live preview of threshold painting: the voxels under the brush that it would
    // change (intensity in range, label allowed), in cyan.
    const float* intensity = image->channel(std::min(state_.channel(), image->channels() - 1));
    const core::LabelMap* labels = editor_.document().labels();
    const core::Geometry& g = image->geometry();
    const uint16_t value = editor_.tool() == EditTool::Eraser ? 0 : editor_.activeLabel();
    const QPointF step = view.toWidget({1, 1}) - view.toWidget({0, 0});
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 255, 255, 110));
    for (const core::Index3& o : editor_.footprint(view.axis()).offsets) {
      const core::Index3 v{voxel[0] + o[0], voxel[1] + o[1], voxel[2] + o[2]};
      if (v[0] < 0 || v[1] < 0 || v[2] < 0 || v[0] >= g.size[0] || v[1] >= g.size[1] || v[2] >= g.size[2]) continue;
      const int64_t offset = g.offset(v[0], v[1], v[2]);
      const uint16_t current = labels ? labels->data()[offset] : 0;
      if (!rule.allowsIntensity(intensity[offset]) || current == value) continue;
      if (!(value == 0 && rule.over == imaging::PaintOver::Background) && !rule.allowsLabel(current)) continue;
      const double x = s.flipHorizontal ? static_cast<double>(s.width - 1 - v[s.horizontalAxis]) : static_cast<double>(v[s.horizontalAxis]);
      const double y = s.flipVertical ? static_cast<double>(s.height - 1 - v[s.verticalAxis]) : static_cast<double>(v[s.verticalAxis]);
      painter.drawRect(QRectF(view.toWidget({x, y}), QSizeF(step.x(), step.y())).normalized());
    }
  }
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setBrush(Qt::NoBrush);
  painter.setPen(QPen(editor_.tool() == EditTool::Eraser ? QColor(255, 255, 255, 220) : QColor(255, 230, 0, 230), 1.5,
                      editor_.brush3D() ? Qt::DashLine : Qt::SolidLine));
  painter.drawEllipse(QRectF(a, b).normalized());
}

}  // namespace aunet::gui
