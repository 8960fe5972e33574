#pragma once
// The voxels a round brush covers around its centre: a disc in the slice plane or a
// sphere, with its diameter in millimetres, so the brush is round on the patient for
// any voxel spacing (a 0.7 x 0.7 x 5 mm CT gets an elliptic footprint in voxels).

#include <vector>

#include "core/Geometry.h"

namespace aunet::imaging {

struct BrushFootprint {
  std::vector<core::Index3> offsets;  // relative to the centre voxel; the centre is always in

  // Voxels whose centres lie within diameterMm / 2 of the centre voxel's centre;
  // `normalAxis` 0..2: a disc in the plane perpendicular to that voxel axis; -1: a sphere.
  static BrushFootprint round(const core::Vec3& spacing, double diameterMm, int normalAxis);
  // The extent in voxels from the centre along each axis (for the cursor outline).
  core::Index3 radiusVoxels() const;
};

}  // namespace aunet::imaging
