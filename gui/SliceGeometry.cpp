#include "gui/SliceGeometry.h"

#include <cmath>

namespace aunet::gui {

namespace {

// Voxel axis whose direction is closest to patient (LPS) axis `lps`, and the sign of
// that direction component.
int voxelAxisFor(const core::Geometry& g, int lps, double& sign) {
  int best = 0;
  for (int c = 1; c < 3; ++c)
    if (std::abs(g.direction[lps * 3 + c]) > std::abs(g.direction[lps * 3 + best])) best = c;
  sign = g.direction[lps * 3 + best] >= 0 ? 1.0 : -1.0;
  return best;
}

}  // namespace

SliceGeometry SliceGeometry::forView(const core::Geometry& geometry, ViewAxis view) {
  // Screen coordinate grows with (screenSign * LPS coordinate):
  //   axial:    x with +L (right on screen left), y with +P (anterior up)
  //   coronal:  x with +L, y with -S (superior up)
  //   sagittal: x with +P (anterior on the left), y with -S
  int hLps = 0, vLps = 1, nLps = 2;
  double hScreen = 1.0, vScreen = 1.0;
  switch (view) {
    case ViewAxis::Axial: hLps = 0; vLps = 1; nLps = 2; hScreen = 1.0; vScreen = 1.0; break;
    case ViewAxis::Coronal: hLps = 0; vLps = 2; nLps = 1; hScreen = 1.0; vScreen = -1.0; break;
    case ViewAxis::Sagittal: hLps = 1; vLps = 2; nLps = 0; hScreen = 1.0; vScreen = -1.0; break;
  }
  SliceGeometry s;
  double hSign = 1.0, vSign = 1.0, nSign = 1.0;
  s.horizontalAxis = voxelAxisFor(geometry, hLps, hSign);
  s.verticalAxis = voxelAxisFor(geometry, vLps, vSign);
  s.normalAxis = voxelAxisFor(geometry, nLps, nSign);
  // Oblique grids can map two patient axes to one voxel axis; fall back to the
  // voxel axes in order so the view is still a valid slice.
  if (s.horizontalAxis == s.verticalAxis || s.horizontalAxis == s.normalAxis || s.verticalAxis == s.normalAxis) {
    s.normalAxis = nLps;
    s.horizontalAxis = hLps;
    s.verticalAxis = vLps;
    hSign = vSign = 1.0;
  }
  s.flipHorizontal = hSign * hScreen < 0;
  s.flipVertical = vSign * vScreen < 0;
  s.width = geometry.size[s.horizontalAxis];
  s.height = geometry.size[s.verticalAxis];
  s.depth = geometry.size[s.normalAxis];
  s.horizontalSpacing = geometry.spacing[s.horizontalAxis];
  s.verticalSpacing = geometry.spacing[s.verticalAxis];
  return s;
}

core::Index3 SliceGeometry::voxelAt(int64_t x, int64_t y, int64_t slice) const {
  core::Index3 index{0, 0, 0};
  index[horizontalAxis] = flipHorizontal ? width - 1 - x : x;
  index[verticalAxis] = flipVertical ? height - 1 - y : y;
  index[normalAxis] = slice;
  return index;
}

}  // namespace aunet::gui
