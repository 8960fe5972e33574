#pragma once
// A mask brought onto the grid of the DICOM series it belongs to, exactly: the two
// grids must cover the same physical voxels (axes may run the other way or be
// permuted, as a NIfTI mask of a DICOM series often does), so voxels are only
// reordered, never interpolated.

#include <string>

#include "core/Geometry.h"
#include "core/LabelMap.h"

namespace aunet::io::internal {

// Throws core::Error naming `maskName` with both grids when they do not match within
// a tenth of a voxel.
core::LabelMap maskOnSourceGrid(const core::LabelMap& mask, const core::Geometry& grid, const std::string& maskName);

}  // namespace aunet::io::internal
