#pragma once
// The patient-direction letters drawn on the four edges of a view (R/L, A/P, S/I),
// derived from the direction matrix and the view's flips rather than assumed, so a
// wrongly oriented display shows wrong letters instead of silently lying.

#include <string>

#include "gui/SliceGeometry.h"
#include "core/Geometry.h"

namespace aunet::gui {

struct OrientationMarkers {
  std::string left, right, top, bottom;

  static OrientationMarkers forSlice(const core::Geometry& geometry, const SliceGeometry& slice);
};

}  // namespace aunet::gui
