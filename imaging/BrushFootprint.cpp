#include "imaging/BrushFootprint.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace aunet::imaging {

BrushFootprint BrushFootprint::round(const core::Vec3& spacing, double diameterMm, int normalAxis) {
  const double r = std::max(0.0, diameterMm) / 2.0;
  core::Index3 reach{0, 0, 0};
  for (int a = 0; a < 3; ++a)
    if (a != normalAxis) reach[a] = static_cast<int64_t>(std::floor(r / spacing[a] + 1e-9));
  BrushFootprint footprint;
  const double r2 = r * r + 1e-9;
  for (int64_t k = -reach[2]; k <= reach[2]; ++k)
    for (int64_t j = -reach[1]; j <= reach[1]; ++j)
      for (int64_t i = -reach[0]; i <= reach[0]; ++i) {
        const double x = static_cast<double>(i) * spacing[0], y = static_cast<double>(j) * spacing[1],
                     z = static_cast<double>(k) * spacing[2];
        if (x * x + y * y + z * z <= r2) footprint.offsets.push_back({i, j, k});
      }
  return footprint;
}

core::Index3 BrushFootprint::radiusVoxels() const {
  core::Index3 reach{0, 0, 0};
  for (const auto& o : offsets)
    for (int a = 0; a < 3; ++a) reach[a] = std::max<int64_t>(reach[a], std::abs(o[a]));
  return reach;
}

}  // namespace aunet::imaging
