#include "gui/OrientationMarkers.h"

#include <cmath>

namespace aunet::gui {

namespace {

// The patient direction a vector (LPS) points towards, by its largest component;
// LPS +x is Left, +y Posterior, +z Superior.
std::string letterFor(double x, double y, double z) {
  const double ax = std::abs(x), ay = std::abs(y), az = std::abs(z);
  if (ax >= ay && ax >= az) return x >= 0 ? "L" : "R";
  if (ay >= az) return y >= 0 ? "P" : "A";
  return z >= 0 ? "S" : "I";
}

std::string towards(const core::Geometry& g, int axis, double sign) {
  return letterFor(sign * g.direction[0 * 3 + axis], sign * g.direction[1 * 3 + axis],
                   sign * g.direction[2 * 3 + axis]);
}

}  // namespace

OrientationMarkers OrientationMarkers::forSlice(const core::Geometry& geometry, const SliceGeometry& slice) {
  // Screen +x walks the horizontal voxel axis forwards unless flipped; same for y.
  const double hSign = slice.flipHorizontal ? -1.0 : 1.0;
  const double vSign = slice.flipVertical ? -1.0 : 1.0;
  OrientationMarkers m;
  m.right = towards(geometry, slice.horizontalAxis, hSign);
  m.left = towards(geometry, slice.horizontalAxis, -hSign);
  m.bottom = towards(geometry, slice.verticalAxis, vSign);
  m.top = towards(geometry, slice.verticalAxis, -vSign);
  return m;
}

}  // namespace aunet::gui
