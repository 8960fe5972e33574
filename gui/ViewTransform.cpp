#include "gui/ViewTransform.h"

#include <algorithm>

namespace aunet::gui {

ViewRect ViewTransform::sliceRect(const SliceGeometry& slice, double widgetWidth, double widgetHeight) const {
  const double mmWidth = static_cast<double>(slice.width) * slice.horizontalSpacing;
  const double mmHeight = static_cast<double>(slice.height) * slice.verticalSpacing;
  const double fit = std::min(widgetWidth / std::max(mmWidth, 1e-9), widgetHeight / std::max(mmHeight, 1e-9));
  ViewRect r;
  r.width = mmWidth * fit * zoom_;
  r.height = mmHeight * fit * zoom_;
  r.left = (widgetWidth - r.width) / 2.0 + panX_;
  r.top = (widgetHeight - r.height) / 2.0 + panY_;
  return r;
}

ViewPoint ViewTransform::widgetToSlice(const SliceGeometry& slice, double widgetWidth, double widgetHeight,
                                       ViewPoint widget) const {
  const ViewRect r = sliceRect(slice, widgetWidth, widgetHeight);
  return {(widget.x - r.left) / r.width * static_cast<double>(slice.width),
          (widget.y - r.top) / r.height * static_cast<double>(slice.height)};
}

ViewPoint ViewTransform::sliceToWidget(const SliceGeometry& slice, double widgetWidth, double widgetHeight,
                                       ViewPoint slicePoint) const {
  const ViewRect r = sliceRect(slice, widgetWidth, widgetHeight);
  return {r.left + slicePoint.x / static_cast<double>(slice.width) * r.width,
          r.top + slicePoint.y / static_cast<double>(slice.height) * r.height};
}

void ViewTransform::zoomAt(const SliceGeometry& slice, double widgetWidth, double widgetHeight, double factor,
                           ViewPoint anchor) {
  const ViewPoint fixed = widgetToSlice(slice, widgetWidth, widgetHeight, anchor);
  zoom_ = std::clamp(zoom_ * factor, kMinZoom, kMaxZoom);
  // Shift the pan so the slice point that was under the anchor is still there.
  const ViewPoint moved = sliceToWidget(slice, widgetWidth, widgetHeight, fixed);
  panX_ += anchor.x - moved.x;
  panY_ += anchor.y - moved.y;
}

void ViewTransform::panBy(double dx, double dy) {
  panX_ += dx;
  panY_ += dy;
}

void ViewTransform::reset() {
  zoom_ = 1.0;
  panX_ = panY_ = 0.0;
}

}  // namespace aunet::gui
