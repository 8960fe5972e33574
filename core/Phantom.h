#pragma once
// Synthetic test images generated at run time: nested ellipsoids with known labels,
// intensity contrast and noise, on any grid (oblique, anisotropic). Tests and the demo
// use them instead of checked-in data.

#include <cstdint>

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::core {

struct Phantom {
  Volume image;     // one channel, "MR-like" intensities around 100 (background 10)
  LabelMap labels;  // 0 background, 1 outer ellipsoid ("organ"), 2 inner sphere ("lesion")

  // A phantom filling `geometry`: an ellipsoid with semi-axes 35/25/30% of the
  // field of view and a sphere inside it, placed with a seed-dependent offset, plus
  // Gaussian noise of `noiseSigma`.
  static Phantom ellipsoids(const Geometry& geometry, uint64_t seed = 1, double noiseSigma = 8.0);
};

}  // namespace aunet::core
