#include "gui/ViewState.h"

#include <algorithm>
#include <cmath>

namespace aunet::gui {

void ViewState::setGeometry(const core::Geometry& geometry) {
  geometry_ = geometry;
  for (ViewAxis v : {ViewAxis::Axial, ViewAxis::Coronal, ViewAxis::Sagittal})
    slices_[viewIndex(v)] = SliceGeometry::forView(geometry, v);
  cursor_ = {geometry.size[0] / 2, geometry.size[1] / 2, geometry.size[2] / 2};
  channel_ = 0;
  resetTransforms();
}

bool ViewState::setChannel(int channel, int channelCount) {
  const int clamped = std::clamp(channel, 0, std::max(1, channelCount) - 1);
  if (clamped == channel_) return false;
  channel_ = clamped;
  return true;
}

void ViewState::setCursor(const core::Index3& voxel) {
  for (int a = 0; a < 3; ++a) cursor_[a] = std::clamp<int64_t>(voxel[a], 0, geometry_.size[a] - 1);
}

int64_t ViewState::sliceIndex(ViewAxis view) const { return cursor_[slice(view).normalAxis]; }

bool ViewState::stepSlice(ViewAxis view, int64_t delta) {
  const int axis = slice(view).normalAxis;
  const int64_t next = std::clamp<int64_t>(cursor_[axis] + delta, 0, geometry_.size[axis] - 1);
  if (next == cursor_[axis]) return false;
  cursor_[axis] = next;
  return true;
}

void ViewState::setCursorFromView(ViewAxis view, double sliceX, double sliceY) {
  const SliceGeometry& s = slice(view);
  const auto x = std::clamp<int64_t>(static_cast<int64_t>(std::floor(sliceX)), 0, s.width - 1);
  const auto y = std::clamp<int64_t>(static_cast<int64_t>(std::floor(sliceY)), 0, s.height - 1);
  setCursor(s.voxelAt(x, y, sliceIndex(view)));
}

bool ViewState::voxelAt(ViewAxis view, double sliceX, double sliceY, core::Index3& voxel) const {
  const SliceGeometry& s = slice(view);
  if (!(sliceX >= 0.0 && sliceY >= 0.0 && sliceX < static_cast<double>(s.width) &&
        sliceY < static_cast<double>(s.height)))
    return false;
  voxel = s.voxelAt(static_cast<int64_t>(sliceX), static_cast<int64_t>(sliceY), sliceIndex(view));
  return true;
}

ViewPoint ViewState::cursorInView(ViewAxis view) const {
  const SliceGeometry& s = slice(view);
  const int64_t h = cursor_[s.horizontalAxis];
  const int64_t v = cursor_[s.verticalAxis];
  const int64_t x = s.flipHorizontal ? s.width - 1 - h : h;
  const int64_t y = s.flipVertical ? s.height - 1 - v : v;
  return {static_cast<double>(x) + 0.5, static_cast<double>(y) + 0.5};
}

void ViewState::setWindow(const WindowLevel& window) {
  window_.center = window.center;
  window_.width = std::max(window.width, 1e-6);
}

void ViewState::dragWindow(double dx, double dy) {
  const double perPixel = std::max(window_.width, 1.0) / 256.0;
  WindowLevel w = window_;
  w.width = std::max(window_.width + dx * perPixel, 1e-3);
  w.center = window_.center + dy * perPixel;
  setWindow(w);
}

void ViewState::resetTransforms() {
  for (auto& t : transforms_) t.reset();
}

}  // namespace aunet::gui
