#pragma once
// Where a slice lies inside a view widget: fitted to the widget with its physical
// aspect ratio (mm, not voxels), then zoomed and panned. Plain C++ so the mapping
// between widget pixels and slice pixels is testable without a display.

#include "gui/SliceGeometry.h"

namespace aunet::gui {

struct ViewRect {
  double left = 0.0, top = 0.0, width = 0.0, height = 0.0;
};

struct ViewPoint {
  double x = 0.0, y = 0.0;
};

class ViewTransform {
 public:
  static constexpr double kMinZoom = 0.25;
  static constexpr double kMaxZoom = 32.0;

  double zoom() const { return zoom_; }
  ViewPoint pan() const { return {panX_, panY_}; }

  // Widget rectangle covered by the whole slice in a widget of `widgetWidth` x `widgetHeight`.
  ViewRect sliceRect(const SliceGeometry& slice, double widgetWidth, double widgetHeight) const;
  // Continuous slice pixel coordinates (0..width, 0..height) of a widget point, and back.
  ViewPoint widgetToSlice(const SliceGeometry& slice, double widgetWidth, double widgetHeight,
                          ViewPoint widget) const;
  ViewPoint sliceToWidget(const SliceGeometry& slice, double widgetWidth, double widgetHeight,
                          ViewPoint slicePoint) const;

  // Multiplies the zoom (clamped to [kMinZoom, kMaxZoom]) keeping the slice point
  // under `anchor` (a widget point) fixed.
  void zoomAt(const SliceGeometry& slice, double widgetWidth, double widgetHeight, double factor, ViewPoint anchor);
  void panBy(double dx, double dy);
  void reset();

 private:
  double zoom_ = 1.0;
  double panX_ = 0.0, panY_ = 0.0;  // widget pixels the slice centre is moved by
};

}  // namespace aunet::gui
