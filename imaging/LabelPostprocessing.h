#pragma once
// Clean-up of segmentations after inference: keep, for chosen labels, only the
// largest connected component (the organ), dropping small false-positive islands.

#include <vector>

#include "core/LabelMap.h"

namespace aunet::imaging {

// For each value in `labelValues`, only its largest connected component survives;
// the label's other voxels become 0 (background). Connectivity is 26 in 3D, which is
// 8 in an image with one slice (diagonal neighbours count). Labels not listed, 0, and
// values absent from the map are left as they are. Ties between equally large
// components keep the one that comes first in voxel order (i fastest, then j, k), so
// the result is deterministic. Geometry and metadata are copied.
// Memory grows with the number of runs along i, not the number of voxels.
core::LabelMap keepLargestComponent(const core::LabelMap& labels, const std::vector<int>& labelValues);

}  // namespace aunet::imaging
