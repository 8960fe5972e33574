#pragma once
// Flood fill of a 2D region (ITK-SNAP's and Slicer's "fill" of a closed outline):
// starting at `seed`, the 4-connected voxels of the slice through it (perpendicular to
// voxel axis `normalAxis`) that hold the seed's label, and, with a threshold rule,
// whose intensity lies in range, become `value` where the paint rule allows.

#include <cstdint>

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "imaging/LabelDelta.h"
#include "imaging/PaintRule.h"

namespace aunet::imaging {

// Voxels changed (0 when the seed is outside the grid or already holds `value`).
int64_t floodFillSlice(core::LabelMap& labels, const float* intensity, const core::Index3& seed, int normalAxis,
                       uint16_t value, const PaintRule& rule, LabelDelta& delta);

}  // namespace aunet::imaging
