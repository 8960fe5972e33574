#pragma once
// Reorienting a grid to a named axis order: only permutes and flips axes, so
// voxels are copied exactly (no interpolation) and reorienting back to the
// original code restores the original grid and voxels bit for bit.
//
// Codes use the convention of core::Geometry::orientationCode() (ITK's): each
// letter says where axis i, j, k comes FROM. "RAI" is the identity direction in
// LPS (axes point Left, Posterior, Superior: DICOM's LPS); "LPI" is what nibabel
// and NIfTI users call RAS+ (axes point Right, Anterior, Superior).

#include <string>

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::imaging {

// The grid `code` describes covering the same voxels. Oblique grids are matched by
// each axis's dominant direction. Throws core::Error for an invalid code.
core::Geometry reorientedGeometry(const core::Geometry& geometry, const std::string& code);

core::Volume reorient(const core::Volume& volume, const std::string& code);
core::LabelMap reorient(const core::LabelMap& labels, const std::string& code);

}  // namespace aunet::imaging
