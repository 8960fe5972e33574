#include "gui/SliceView.h"

#include <algorithm>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>

#include "gui/OrientationMarkers.h"
#include "gui/SliceViewHook.h"
#include "gui/ViewerDocument.h"

namespace aunet::gui {

namespace {

const char* axisName(ViewAxis axis) {
  switch (axis) {
    case ViewAxis::Axial: return "Axial";
    case ViewAxis::Coronal: return "Coronal";
    case ViewAxis::Sagittal: return "Sagittal";
  }
  return "";
}

}  // namespace

SliceView::SliceView(ViewAxis axis, ViewState* state, const ViewerDocument* document,
                     const OverlaySettings* overlays, QWidget* parent)
    : QWidget(parent), axis_(axis), state_(state), document_(document), overlays_(overlays) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setMinimumSize(120, 120);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setObjectName(QString("view-") + axisName(axis));
}

bool SliceView::hasImage() const { return document_->hasImage(); }

void SliceView::invalidateContent() {
  dirty_ = true;
  update();
}

QString SliceView::title() const { return axisName(axis_); }

const QImage& SliceView::renderedSlice() {
  if (!hasImage()) {
    cache_ = QImage();
    return cache_;
  }
  const int64_t index = state_->sliceIndex(axis_);
  const WindowLevel& w = state_->window();
  const int channel = std::min(state_->channel(), document_->image()->channels() - 1);
  if (!dirty_ && index == cachedSlice_ && channel == cachedChannel_ && w.center == cachedWindow_.center && w.width == cachedWindow_.width)
    return cache_;
  const SliceGeometry& s = state_->slice(axis_);
  const core::Volume& image = *document_->image();
  cache_ = SliceRenderer::renderImage(image, s, index, w, channel);
  const auto& palette = document_->palette();
  if (overlays_->labelsVisible && document_->labels())
    SliceRenderer::overlayLabels(cache_, *document_->labels(), s, index, palette, overlays_->labels);
  const int a = overlays_->attentionIndex;
  if (a >= 0 && a < static_cast<int>(document_->attention().size()))
    SliceRenderer::overlayHeat(cache_, document_->attention()[static_cast<size_t>(a)], s, index, overlays_->heat);
  if (overlays_->referenceVisible && document_->reference()) {
    // The reference is always drawn as outlines, on top, so both masks stay readable.
    LabelOverlayStyle outline = overlays_->labels;
    outline.outline = true;
    SliceRenderer::overlayLabels(cache_, *document_->reference(), s, index, palette, outline);
  }
  cachedSlice_ = index;
  cachedChannel_ = channel;
  cachedWindow_ = w;
  dirty_ = false;
  return cache_;
}

void SliceView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), Qt::black);
  const bool focused = hasFocus();
  if (!hasImage()) {
    p.setPen(QColor(160, 160, 160));
    p.drawText(rect(), Qt::AlignCenter, QString("%1\n\nOpen an image: File > Open, or drop a file here").arg(title()));
    return;
  }
  const QImage& img = renderedSlice();
  const SliceGeometry& s = state_->slice(axis_);
  const ViewTransform& t = state_->transform(axis_);
  const ViewRect r = t.sliceRect(s, width(), height());
  p.setRenderHint(QPainter::SmoothPixmapTransform, true);
  p.drawImage(QRectF(r.left, r.top, r.width, r.height), img);

  if (overlays_->crosshair) {
    const ViewPoint c = t.sliceToWidget(s, width(), height(), state_->cursorInView(axis_));
    p.setPen(QPen(QColor(0, 220, 0, 170), 1));
    p.drawLine(QPointF(r.left, c.y), QPointF(r.left + r.width, c.y));
    p.drawLine(QPointF(c.x, r.top), QPointF(c.x, r.top + r.height));
  }

  for (SliceViewHook* hook : hooks_) {
    p.save();
    hook->paint(*this, p);
    p.restore();
  }

  // Orientation letters in the middle of each edge.
  const OrientationMarkers m = OrientationMarkers::forSlice(state_->geometry(), s);
  QFont f = font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() * 1.2);
  p.setFont(f);
  p.setPen(QColor(255, 220, 0));
  const int pad = 6;
  p.drawText(rect().adjusted(pad, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, QString::fromStdString(m.left));
  p.drawText(rect().adjusted(0, 0, -pad, 0), Qt::AlignRight | Qt::AlignVCenter, QString::fromStdString(m.right));
  p.drawText(rect().adjusted(0, pad, 0, 0), Qt::AlignHCenter | Qt::AlignTop, QString::fromStdString(m.top));
  p.drawText(rect().adjusted(0, 0, 0, -pad), Qt::AlignHCenter | Qt::AlignBottom, QString::fromStdString(m.bottom));

  p.setFont(font());
  p.setPen(QColor(230, 230, 230));
  const QString info = QString("%1  %2/%3").arg(title()).arg(state_->sliceIndex(axis_) + 1).arg(state_->sliceCount(axis_));
  p.drawText(rect().adjusted(pad, pad, 0, 0), Qt::AlignLeft | Qt::AlignTop, info);
  const WindowLevel& w = state_->window();
  p.drawText(rect().adjusted(pad, 0, 0, -pad), Qt::AlignLeft | Qt::AlignBottom,
             QString("W %1  L %2").arg(w.width, 0, 'f', 0).arg(w.center, 0, 'f', 0));
  if (std::abs(t.zoom() - 1.0) > 1e-6)
    p.drawText(rect().adjusted(0, pad, -pad, 0), Qt::AlignRight | Qt::AlignTop, QString("%1x").arg(t.zoom(), 0, 'f', 1));
  for (SliceViewHook* hook : hooks_) {
    p.save();
    hook->paintOver(*this, p);
    p.restore();
  }
  if (focused) {
    p.setPen(QPen(QColor(80, 140, 255), 2));
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect().adjusted(1, 1, -1, -1));
  }
}

ViewPoint SliceView::toSlice(QPointF widget) const {
  return state_->transform(axis_).widgetToSlice(state_->slice(axis_), width(), height(), {widget.x(), widget.y()});
}

QPointF SliceView::toWidget(ViewPoint slice) const {
  const ViewPoint w = state_->transform(axis_).sliceToWidget(state_->slice(axis_), width(), height(), slice);
  return {w.x, w.y};
}

void SliceView::addHook(SliceViewHook* hook) {
  if (hook && std::find(hooks_.begin(), hooks_.end(), hook) == hooks_.end()) hooks_.push_back(hook);
}

void SliceView::removeHook(SliceViewHook* hook) { hooks_.erase(std::remove(hooks_.begin(), hooks_.end(), hook), hooks_.end()); }

bool SliceView::voxelAt(QPointF widget, core::Index3& voxel) const {
  if (!hasImage()) return false;
  const ViewPoint sp = toSlice(widget);
  return state_->voxelAt(axis_, sp.x, sp.y, voxel);
}

void SliceView::moveCursorTo(QPointF widget) {
  const ViewPoint sp = toSlice(widget);
  state_->setCursorFromView(axis_, sp.x, sp.y);
  Q_EMIT cursorChanged();
}

void SliceView::reportHover(QPointF widget) {
  const ViewPoint sp = toSlice(widget);
  core::Index3 voxel{0, 0, 0};
  const bool inside = state_->voxelAt(axis_, sp.x, sp.y, voxel);
  Q_EMIT hovered(inside, voxel);
}

void SliceView::stepSlice(int64_t delta) {
  if (state_->stepSlice(axis_, delta)) Q_EMIT cursorChanged();
}

void SliceView::mousePressEvent(QMouseEvent* event) {
  Q_EMIT activated(axis_);
  if (!hasImage()) return;
  lastMouse_ = event->position();
  core::Index3 voxel{0, 0, 0};
  const bool inside = voxelAt(event->position(), voxel);
  for (SliceViewHook* hook : hooks_)
    if (hook->press(*this, event, inside, voxel)) return;
  if (event->button() == Qt::LeftButton && !(event->modifiers() & Qt::ShiftModifier)) {
    drag_ = Drag::Cursor;
    moveCursorTo(event->position());
  } else if (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton) {
    drag_ = Drag::Pan;
  } else if (event->button() == Qt::RightButton) {
    drag_ = Drag::Window;
  }
}

void SliceView::mouseMoveEvent(QMouseEvent* event) {
  if (!hasImage()) return;
  const QPointF pos = event->position();
  const QPointF d = pos - lastMouse_;
  lastMouse_ = pos;
  core::Index3 voxel{0, 0, 0};
  const bool inside = voxelAt(pos, voxel);
  for (SliceViewHook* hook : hooks_) {
    if (drag_ != Drag::None && hook->yieldsToViewDrag()) continue;
    if (hook->move(*this, event, inside, voxel)) return reportHover(pos);
  }
  switch (drag_) {
    case Drag::Cursor: moveCursorTo(pos); break;
    case Drag::Pan:
      state_->transform(axis_).panBy(d.x(), d.y());
      update();
      break;
    case Drag::Window:
      state_->dragWindow(d.x(), d.y());
      Q_EMIT windowChanged();
      break;
    case Drag::None: break;
  }
  reportHover(pos);
}

void SliceView::mouseReleaseEvent(QMouseEvent* event) {
  // The view's own drag ends here whoever takes the release; a hook that yields to it
  // is not offered the release of such a drag (it did not start it).
  const bool viewDrag = drag_ != Drag::None;
  drag_ = Drag::None;
  core::Index3 voxel{0, 0, 0};
  const bool inside = voxelAt(event->position(), voxel);
  for (SliceViewHook* hook : hooks_) {
    if (viewDrag && hook->yieldsToViewDrag()) continue;
    if (hook->release(*this, event, inside, voxel)) return;
  }
}

void SliceView::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) Q_EMIT maximizeToggled(axis_);
}

void SliceView::wheelEvent(QWheelEvent* event) {
  if (!hasImage()) return;
  const double steps = event->angleDelta().y() / 120.0;
  if (event->modifiers() & Qt::ControlModifier) {
    state_->transform(axis_).zoomAt(state_->slice(axis_), width(), height(), std::pow(1.15, steps),
                                    {event->position().x(), event->position().y()});
    update();
  } else {
    // Touchpads send fractions of a notch; keep the remainder so slow scrolling still moves.
    wheelRemainder_ += steps;
    const auto whole = static_cast<int64_t>(wheelRemainder_);
    wheelRemainder_ -= static_cast<double>(whole);
    if (whole != 0) stepSlice(whole);
  }
  event->accept();
}

void SliceView::keyPressEvent(QKeyEvent* event) {
  if (!hasImage()) return QWidget::keyPressEvent(event);
  for (SliceViewHook* hook : hooks_)
    if (hook->keyPress(*this, event)) return;
  switch (event->key()) {
    case Qt::Key_PageUp: stepSlice(1); break;
    case Qt::Key_PageDown: stepSlice(-1); break;
    case Qt::Key_Home: stepSlice(state_->sliceCount(axis_)); break;
    case Qt::Key_End: stepSlice(-state_->sliceCount(axis_)); break;
    case Qt::Key_Up: stepSlice(1); break;
    case Qt::Key_Down: stepSlice(-1); break;
    default: QWidget::keyPressEvent(event);
  }
}

void SliceView::leaveEvent(QEvent*) {
  for (SliceViewHook* hook : hooks_) hook->leave(*this);
  Q_EMIT hovered(false, {0, 0, 0});
}

void SliceView::focusInEvent(QFocusEvent* event) {
  Q_EMIT activated(axis_);
  update();
  QWidget::focusInEvent(event);
}

void SliceView::focusOutEvent(QFocusEvent* event) {
  update();
  QWidget::focusOutEvent(event);
}

}  // namespace aunet::gui
