#pragma once
// Gantry-tilted CT: the scanner tilts its gantry, the slices stay axial-looking
// (Image Orientation is the same for all), but each slice's Image Position moves
// across the plane as well as along the normal. Stacking the slices along the normal
// would shear the anatomy; they are resampled onto an orthogonal grid instead, as
// dcm2niix does. ITK-free.

#include <optional>
#include <vector>

#include "core/Geometry.h"
#include "core/Volume.h"

namespace aunet::io::internal {

struct GantryTilt {
  double degrees = 0.0;      // angle between the slice step and the slice normal
  core::Geometry sheared;    // the stack as stored: its third axis is the slice step
  core::Geometry orthogonal; // the grid covering every slice, third axis along the normal
};

// `rowColumn`: Image Orientation (Patient), the row then the column direction;
// `pixelSpacing`: along a row, then along a column (mm); `positions`: Image Position
// (Patient) of every slice, in stack order; `columns`, `rows`: the slice size. None
// when the slices stack along their normal (their drift across the plane from the
// first to the last slice stays under a tenth of a pixel).
std::optional<GantryTilt> findGantryTilt(const core::Vec3& row, const core::Vec3& column, double rowSpacing,
                                         double columnSpacing, int64_t columns, int64_t rows,
                                         const std::vector<core::Vec3>& positions);

// `stack` (voxels as stored, any geometry) on tilt.orthogonal, linear interpolation in
// physical space; points no slice covers get the stack's smallest value (air in CT).
core::Volume resampleTiltedStack(const core::Volume& stack, const GantryTilt& tilt);

}  // namespace aunet::io::internal
