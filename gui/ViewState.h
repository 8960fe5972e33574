#pragma once
// Everything the three linked views share, as plain C++: the image grid, the cursor
// voxel (the crosshair; each view shows the slice through it), the display window
// and each view's zoom/pan. Widgets call these methods and then repaint; the rules
// (bounds, linking, window limits) live here and are tested without a display.

#include <array>

#include "gui/SliceGeometry.h"
#include "gui/SliceRenderer.h"
#include "gui/ViewTransform.h"
#include "core/Geometry.h"

namespace aunet::gui {

class ViewState {
 public:
  static constexpr int kViews = 3;
  static int viewIndex(ViewAxis view) { return static_cast<int>(view); }

  // A new image: cursor at the centre voxel, zoom/pan reset, first channel.
  void setGeometry(const core::Geometry& geometry);
  const core::Geometry& geometry() const { return geometry_; }
  const SliceGeometry& slice(ViewAxis view) const { return slices_[viewIndex(view)]; }

  const core::Index3& cursor() const { return cursor_; }
  // Clamped into the grid.
  void setCursor(const core::Index3& voxel);
  // The slice index a view shows (the cursor's coordinate along its normal).
  int64_t sliceIndex(ViewAxis view) const;
  int64_t sliceCount(ViewAxis view) const { return slice(view).depth; }
  // Moves the view's slice by `delta`, clamped to the volume; returns whether it moved.
  bool stepSlice(ViewAxis view, int64_t delta);
  // A click at slice pixel (x, y) of `view`: moves the cursor in that plane, so the
  // two other views change slice; the clicked view keeps its slice.
  void setCursorFromView(ViewAxis view, double sliceX, double sliceY);
  // Voxel under slice pixel (x, y) of `view` at its current slice; false outside.
  bool voxelAt(ViewAxis view, double sliceX, double sliceY, core::Index3& voxel) const;
  // Where the cursor lies in a view's slice pixels (centre of the voxel).
  ViewPoint cursorInView(ViewAxis view) const;

  // Which channel the views show: a 4D file's volume, an RGB image's colour.
  int channel() const { return channel_; }
  // Clamped to [0, channelCount - 1]; returns whether it changed.
  bool setChannel(int channel, int channelCount);

  const WindowLevel& window() const { return window_; }
  void setWindow(const WindowLevel& window);  // width kept >= a tiny positive value
  // Right-drag: dx widens/narrows the window, dy moves the level (drag up = brighter),
  // both proportional to the current width so it feels the same for CT and MR.
  void dragWindow(double dx, double dy);

  ViewTransform& transform(ViewAxis view) { return transforms_[viewIndex(view)]; }
  const ViewTransform& transform(ViewAxis view) const { return transforms_[viewIndex(view)]; }
  void resetTransforms();

 private:
  core::Geometry geometry_;
  std::array<SliceGeometry, kViews> slices_{};
  std::array<ViewTransform, kViews> transforms_{};
  core::Index3 cursor_{0, 0, 0};
  int channel_ = 0;
  WindowLevel window_{0.0, 1.0};
};

}  // namespace aunet::gui
