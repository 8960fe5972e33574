#pragma once
// "Islands" (Slicer's Islands effect, clicked): the connected component under a voxel,
// 26-connected like keepLargestComponent (LabelPostprocessing.h), removed, or kept
// while every other component of its label is removed.

#include <cstdint>
#include <vector>

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "imaging/LabelDelta.h"

namespace aunet::imaging {

// Flat offsets of the 26-connected voxels of the label at `seed` that reach it;
// empty when the seed is background or outside the grid.
std::vector<int64_t> connectedComponentAt(const core::LabelMap& labels, const core::Index3& seed);

// The component under `seed` becomes background. Voxels changed.
int64_t removeIsland(core::LabelMap& labels, const core::Index3& seed, LabelDelta& delta);
// Every voxel of the seed's label outside its component becomes background.
int64_t keepIsland(core::LabelMap& labels, const core::Index3& seed, LabelDelta& delta);

}  // namespace aunet::imaging
