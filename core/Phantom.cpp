#include "core/Phantom.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace aunet::core {

Phantom Phantom::ellipsoids(const Geometry& geometry, uint64_t seed, double noiseSigma) {
  Phantom p{Volume(geometry, 1, PixelType::Int16), LabelMap(geometry)};
  p.image.metadata().modality = "MR";
  p.image.metadata().seriesDescription = "synthetic ellipsoid phantom (seed " + std::to_string(seed) + ")";
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> shift(-0.08, 0.08);
  std::normal_distribution<double> noise(0.0, noiseSigma);

  // Shapes are defined in index space relative to the field of view, so the phantom
  // looks the same whatever the spacing and direction.
  const auto& n = geometry.size;
  const double c[3] = {(0.5 + shift(rng)) * n[0], (0.5 + shift(rng)) * n[1], (0.5 + shift(rng)) * n[2]};
  const double outer[3] = {0.35 * n[0], 0.25 * n[1], 0.30 * n[2]};
  const double innerRadius = 0.35 * std::min({outer[0], outer[1], outer[2]});
  const double ic[3] = {c[0] + 0.35 * outer[0], c[1], c[2]};
  for (int64_t k = 0; k < n[2]; ++k)
    for (int64_t j = 0; j < n[1]; ++j)
      for (int64_t i = 0; i < n[0]; ++i) {
        const double dx = (i - c[0]) / outer[0], dy = (j - c[1]) / outer[1],
                     dz = n[2] > 1 ? (k - c[2]) / outer[2] : 0.0;
        const double ex = i - ic[0], ey = j - ic[1], ez = n[2] > 1 ? k - ic[2] : 0.0;
        uint16_t label = 0;
        double value = 10.0;
        if (dx * dx + dy * dy + dz * dz <= 1.0) {
          label = 1;
          value = 100.0;
          if (ex * ex + ey * ey + ez * ez <= innerRadius * innerRadius) {
            label = 2;
            value = 160.0;
          }
        }
        p.labels.at(i, j, k) = label;
        p.image.at(i, j, k) = static_cast<float>(std::round(value + noise(rng)));
      }
  return p;
}

}  // namespace aunet::core
