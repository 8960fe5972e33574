#include "gui/MeasurementTool.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

#include <cmath>

#include "gui/SliceView.h"
#include "gui/ViewerDocument.h"

namespace aunet::gui {

namespace {

double distanceToSegment(QPointF p, QPointF a, QPointF b) {
  const QPointF ab = b - a;
  const double len2 = QPointF::dotProduct(ab, ab);
  const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
  const QPointF q = a + t * ab - p;
  return std::sqrt(QPointF::dotProduct(q, q));
}

}  // namespace

MeasurementTool::MeasurementTool(MeasurementSet* set, const ViewerDocument* document, QObject* parent)
    : QObject(parent), set_(set), document_(document) {
  connect(set_, &MeasurementSet::changed, this, &MeasurementTool::repaintNeeded);
}

void MeasurementTool::setMode(Mode mode) {
  if (mode == mode_) return;
  mode_ = mode;
  drawing_ = -1;
  Q_EMIT modeChanged(mode);
}

int MeasurementTool::hitTest(SliceView& view, QPointF pos, double pixels) const {
  const auto& items = set_->items();
  const int64_t slice = view.state().sliceIndex(view.axis());
  for (int i = static_cast<int>(items.size()) - 1; i >= 0; --i) {
    const Measurement& m = items[static_cast<size_t>(i)];
    if (m.view != view.axis() || m.slice != slice) continue;
    const QPointF a = view.toWidget(m.a), b = view.toWidget(m.b);
    double d;
    if (m.kind == MeasurementKind::Ruler) {
      d = distanceToSegment(pos, a, b);
    } else {
      const QRectF r = QRectF(a, b).normalized();
      if (m.kind == MeasurementKind::Rectangle) {
        d = std::min({distanceToSegment(pos, r.topLeft(), r.topRight()),
                      distanceToSegment(pos, r.topRight(), r.bottomRight()),
                      distanceToSegment(pos, r.bottomRight(), r.bottomLeft()),
                      distanceToSegment(pos, r.bottomLeft(), r.topLeft())});
      } else {
        // Inside the ellipse counts too: its outline is hard to hit on a small one.
        const double rx = r.width() / 2, ry = r.height() / 2;
        const QPointF c = r.center();
        const double e = rx > 0 && ry > 0 ? std::hypot((pos.x() - c.x()) / rx, (pos.y() - c.y()) / ry) : 1e9;
        d = e <= 1.0 ? 0.0 : std::abs(e - 1.0) * std::min(rx, ry);
      }
    }
    if (d <= pixels) return i;
  }
  return -1;
}

bool MeasurementTool::press(SliceView& view, QMouseEvent* event, bool, const core::Index3&) {
  if (event->button() != Qt::LeftButton || (event->modifiers() & Qt::ShiftModifier)) return false;
  if (mode_ == Mode::None) {
    const int hit = hitTest(view, event->position());
    if (hit < 0) {
      if (set_->selected() >= 0) set_->select(-1);
      return false;  // the crosshair moves as usual
    }
    set_->select(hit);
    return true;
  }
  Measurement m;
  m.kind = mode_ == Mode::Ruler ? MeasurementKind::Ruler
           : mode_ == Mode::Ellipse ? MeasurementKind::Ellipse
                                    : MeasurementKind::Rectangle;
  m.view = view.axis();
  m.slice = view.state().sliceIndex(view.axis());
  m.a = m.b = view.toSlice(event->position());
  drawing_ = set_->add(m);
  return true;
}

bool MeasurementTool::drag(SliceView& view, QPointF pos) {
  if (drawing_ < 0 || drawing_ >= static_cast<int>(set_->items().size())) return false;
  Measurement m = set_->items()[static_cast<size_t>(drawing_)];
  m.b = view.toSlice(pos);
  set_->update(drawing_, m);
  return true;
}

// Slice coordinates, not voxels: a measurement's ends need not sit on voxel centres.
bool MeasurementTool::move(SliceView& view, QMouseEvent* event, bool, const core::Index3&) {
  return drag(view, event->position());
}

bool MeasurementTool::release(SliceView& view, QMouseEvent* event, bool, const core::Index3&) {
  if (drawing_ < 0) return false;
  drag(view, event->position());
  const Measurement& m = set_->items()[static_cast<size_t>(drawing_)];
  // A click without a drag measures nothing.
  const QPointF a = view.toWidget(m.a), b = view.toWidget(m.b);
  if (std::abs(a.x() - b.x()) + std::abs(a.y() - b.y()) < 3) set_->remove(drawing_);
  drawing_ = -1;
  return true;
}

bool MeasurementTool::keyPress(SliceView&, QKeyEvent* event) {
  if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) return set_->removeSelected();
  if (event->key() == Qt::Key_Escape && mode_ != Mode::None) {
    setMode(Mode::None);
    return true;
  }
  return false;
}

void MeasurementTool::paint(SliceView& view, QPainter& p) {
  const auto& items = set_->items();
  const ViewState& state = view.state();
  const int64_t slice = state.sliceIndex(view.axis());
  p.setRenderHint(QPainter::Antialiasing, true);
  for (size_t i = 0; i < items.size(); ++i) {
    const Measurement& m = items[i];
    if (m.view != view.axis() || m.slice != slice) continue;
    const bool selected = static_cast<int>(i) == set_->selected();
    const QColor colour = selected ? QColor(0, 230, 255) : QColor(255, 230, 0);
    p.setPen(QPen(colour, selected ? 2 : 1.5));
    p.setBrush(Qt::NoBrush);
    const QPointF a = view.toWidget(m.a), b = view.toWidget(m.b);
    const QRectF box = QRectF(a, b).normalized();
    if (m.kind == MeasurementKind::Ruler) {
      p.drawLine(a, b);
      for (const QPointF& end : {a, b}) p.drawEllipse(end, 2.5, 2.5);
    } else if (m.kind == MeasurementKind::Ellipse) {
      p.drawEllipse(box);
    } else {
      p.drawRect(box);
    }
    const int channel = state.channel();
    const QString text = MeasurementSet::describe(m, state, document_->image().get(), channel);
    const QPointF at = m.kind == MeasurementKind::Ruler ? (a.x() > b.x() ? a : b) + QPointF(6, -4)
                                                        : box.bottomLeft() + QPointF(0, 14);
    // Dark outline so the text reads over bright and dark tissue alike.
    p.setPen(QColor(0, 0, 0, 200));
    for (const QPointF& o : {QPointF(1, 1), QPointF(-1, -1), QPointF(1, -1), QPointF(-1, 1)}) p.drawText(at + o, text);
    p.setPen(colour);
    p.drawText(at, text);
  }
}

}  // namespace aunet::gui
