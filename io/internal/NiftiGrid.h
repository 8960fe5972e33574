#pragma once
// PRIVATE to aunet_io: the voxel grid of a NIfTI header in aunet's LPS convention,
// chosen by the rules in io/internal/NiftiReader.h, with the warnings a user should see.

#include <string>
#include <vector>

#include "core/Geometry.h"
#include "io/internal/NiftiHeader.h"

namespace aunet::io::internal {

struct NiftiGrid {
  core::Geometry geometry;
  std::string source;                 // "sform", "qform" or "pixdim"
  std::vector<std::string> warnings;  // one line each, without the path
};

// Throws core::Error(path, ...) when no usable affine exists (a singular sform without
// a qform to fall back on, axes that collapse).
NiftiGrid niftiGrid(const NiftiHeader& header, const std::string& path);

// The 3x3 rotation nearest to `m` (row-major; polar decomposition by Newton's
// iteration Q <- (Q + Q^-T) / 2), keeping the sign of its determinant. Returns false
// when `m` is singular.
bool nearestRotation(const core::Mat3& m, core::Mat3& rotation);

}  // namespace aunet::io::internal
