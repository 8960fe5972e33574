#include "io/internal/MaskOnSourceGrid.h"

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "imaging/Reorientation.h"

namespace aunet::io::internal {

namespace {

// Same size, directions within 1e-3, and the first and last voxel centres within a
// tenth of the smallest spacing (float32 NIfTI headers round positions by ~1e-5 mm).
bool sameVoxels(const core::Geometry& a, const core::Geometry& b) {
  if (a.size != b.size) return false;
  for (int e = 0; e < 9; ++e)
    if (std::abs(a.direction[e] - b.direction[e]) > 1e-3) return false;
  const double tolerance = 0.1 * std::min({b.spacing[0], b.spacing[1], b.spacing[2]});
  const core::Vec3 last{static_cast<double>(a.size[0] - 1), static_cast<double>(a.size[1] - 1),
                        static_cast<double>(a.size[2] - 1)};
  for (const core::Vec3& index : {core::Vec3{0, 0, 0}, last}) {
    const core::Vec3 pa = a.indexToPhysical(index), pb = b.indexToPhysical(index);
    const double distance = std::hypot(pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]);
    if (distance > tolerance) return false;
  }
  return true;
}

}  // namespace

core::LabelMap maskOnSourceGrid(const core::LabelMap& mask, const core::Geometry& grid, const std::string& maskName) {
  core::LabelMap result = sameVoxels(mask.geometry(), grid) ? mask : imaging::reorient(mask, grid.orientationCode());
  if (!sameVoxels(result.geometry(), grid))
    throw core::Error(maskName, "does not lie on the source series' grid (mask " + mask.geometry().describe() +
                                    "; series " + grid.describe() + ")");
  result.geometry() = grid;  // the series' own numbers, not the mask's rounded ones
  return result;
}

}  // namespace aunet::io::internal
