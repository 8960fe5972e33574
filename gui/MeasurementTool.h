#pragma once
// The measurement tools on the slice views (a SliceViewHook shared by all three):
// with a tool chosen, a left drag draws a ruler, an ellipse or a rectangle on the
// slice under the mouse; without one, a click on a measurement selects it and Delete
// removes it. Each measurement is drawn on its own slice with its figures (length,
// or area, mean, SD, min, max). The figures come from MeasurementSet.

#include <QObject>

#include "gui/MeasurementSet.h"
#include "gui/SliceViewHook.h"

namespace aunet::gui {

class ViewerDocument;

class MeasurementTool : public QObject, public SliceViewHook {
  Q_OBJECT
 public:
  enum class Mode { None, Ruler, Ellipse, Rectangle };
  MeasurementTool(MeasurementSet* set, const ViewerDocument* document, QObject* parent = nullptr);

  Mode mode() const { return mode_; }
  void setMode(Mode mode);
  MeasurementSet& set() { return *set_; }

  bool press(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) override;
  bool move(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) override;
  bool release(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) override;
  bool keyPress(SliceView& view, QKeyEvent* event) override;
  void paint(SliceView& view, QPainter& painter) override;

  // The measurement whose outline or line passes within `pixels` of widget point
  // `pos` on `view`'s current slice; -1 when none.
  int hitTest(SliceView& view, QPointF pos, double pixels = 6.0) const;

 Q_SIGNALS:
  void modeChanged(aunet::gui::MeasurementTool::Mode mode);
  void repaintNeeded();  // every view showing measurements should repaint

 private:
  MeasurementSet* set_;
  const ViewerDocument* document_;
  Mode mode_ = Mode::None;
  int drawing_ = -1;  // index being dragged out

  bool drag(SliceView& view, QPointF pos);  // the drawn measurement's end follows `pos`
};

}  // namespace aunet::gui
