#pragma once
// The brush: writes one label into a footprint around a voxel, and along the line
// between two voxels (a drag), where the paint rule allows. Every change is recorded
// in a LabelDelta so it can be undone. `intensity` (one channel of the image on the
// mask's grid) is needed only when the rule limits painting to a threshold range.

#include <cstdint>

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "imaging/BrushFootprint.h"
#include "imaging/LabelDelta.h"
#include "imaging/PaintRule.h"

namespace aunet::imaging {

// Voxels changed. Footprint voxels outside the grid are skipped.
int64_t paintFootprint(core::LabelMap& labels, const float* intensity, const core::Index3& centre,
                       const BrushFootprint& footprint, uint16_t value, const PaintRule& rule, LabelDelta& delta);

// Dabs the footprint at every voxel of the straight line from `from` to `to` (both
// included), so a fast drag leaves no gaps; `from` itself is skipped when
// `skipFirst` (it was painted by the previous segment).
int64_t paintLine(core::LabelMap& labels, const float* intensity, const core::Index3& from, const core::Index3& to,
                  const BrushFootprint& footprint, uint16_t value, const PaintRule& rule, LabelDelta& delta,
                  bool skipFirst);

}  // namespace aunet::imaging
