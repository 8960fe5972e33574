#pragma once
// One of the three orthogonal views: paints the slice through the shared cursor with
// its overlays, crosshair, orientation letters and a small text overlay, and turns
// mouse/keyboard input into ViewState changes:
//   left click/drag: move the crosshair     wheel, PgUp/PgDn, Up/Down: change slice (Home/End: last/first)
//   ctrl+wheel: zoom at the mouse           middle drag (or shift+left): pan
//   right drag: window (x) / level (y)      double click: maximize / restore
// The rendered slice is cached, so zoom, pan and crosshair moves in other views do
// not re-render it.

#include <QImage>
#include <QPoint>
#include <QWidget>

#include <vector>

#include "core/Geometry.h"
#include "gui/OverlaySettings.h"
#include "gui/ViewState.h"

namespace aunet::gui {

class SliceViewHook;
class ViewerDocument;

class SliceView : public QWidget {
  Q_OBJECT
 public:
  SliceView(ViewAxis axis, ViewState* state, const ViewerDocument* document, const OverlaySettings* overlays,
            QWidget* parent = nullptr);

  ViewAxis axis() const { return axis_; }
  // The image, masks or overlay settings changed: re-render on the next paint.
  void invalidateContent();
  // The slice as drawn now (for tests and the benchmark), rendering it if needed.
  const QImage& renderedSlice();
  QString title() const;
  // Tools that draw on the view and see its input before it (measurements, then the
  // mask editor): offered events in the order added; not owned. Not to be called from
  // a hook's own handler.
  void addHook(SliceViewHook* hook);
  void removeHook(SliceViewHook* hook);
  // Slice pixel <-> widget pixel under the current zoom and pan.
  ViewPoint toSlice(QPointF widget) const;
  QPointF toWidget(ViewPoint slice) const;
  ViewState& state() { return *state_; }

  QSize sizeHint() const override { return {400, 400}; }
  // The voxel under a widget point at the shown slice; false outside the image.
  bool voxelAt(QPointF widget, core::Index3& voxel) const;

 Q_SIGNALS:
  void cursorChanged();                  // crosshair or slice moved: all views repaint
  void windowChanged();
  void hovered(bool inside, aunet::core::Index3 voxel);
  void maximizeToggled(aunet::gui::ViewAxis axis);
  void activated(aunet::gui::ViewAxis axis);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void focusInEvent(QFocusEvent* event) override;
  void focusOutEvent(QFocusEvent* event) override;

 private:
  enum class Drag { None, Cursor, Pan, Window };
  bool hasImage() const;
  void moveCursorTo(QPointF widget);
  void reportHover(QPointF widget);
  void stepSlice(int64_t delta);

  ViewAxis axis_;
  ViewState* state_;
  const ViewerDocument* document_;
  const OverlaySettings* overlays_;
  QImage cache_;
  bool dirty_ = true;
  int64_t cachedSlice_ = -1;
  int cachedChannel_ = 0;
  WindowLevel cachedWindow_;
  Drag drag_ = Drag::None;
  QPointF lastMouse_;
  double wheelRemainder_ = 0.0;
  std::vector<SliceViewHook*> hooks_;
};

}  // namespace aunet::gui
