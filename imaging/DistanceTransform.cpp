#include "imaging/DistanceTransform.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aunet::imaging {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Exact 1D squared distance transform with sample spacing `s`:
// d[p] = min_q (s (p - q))^2 + f[q]. `v` and `z` are scratch buffers of n and n + 1 entries.
void distanceTransform1d(const double* f, int64_t n, double s, double* d, int64_t* v, double* z) {
  int64_t k = -1;
  for (int64_t q = 0; q < n; ++q) {
    if (f[q] == kInf) continue;
    const double fq = f[q] + (q * s) * (q * s);
    while (k >= 0) {
      const int64_t r = v[k];
      // Where the parabola of q starts to lie below that of r (in mm).
      const double x = (fq - (f[r] + (r * s) * (r * s))) / (2.0 * s * static_cast<double>(q - r));
      if (x > z[k]) {
        ++k;
        v[k] = q;
        z[k] = x;
        z[k + 1] = kInf;
        break;
      }
      --k;
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -kInf;
      z[1] = kInf;
    }
  }
  if (k < 0) {
    std::fill(d, d + n, kInf);
    return;
  }
  int64_t j = 0;
  for (int64_t p = 0; p < n; ++p) {
    while (z[j + 1] < p * s) ++j;
    const double dx = s * static_cast<double>(p - v[j]);
    d[p] = dx * dx + f[v[j]];
  }
}

}  // namespace

std::vector<double> squaredDistanceTransform(const std::vector<uint8_t>& sites, const core::Index3& n,
                                             const core::Vec3& spacing) {
  std::vector<double> dist(sites.size());
  for (size_t i = 0; i < sites.size(); ++i) dist[i] = sites[i] ? 0.0 : kInf;
  const int64_t longest = std::max({n[0], n[1], n[2]});
  std::vector<double> f(longest), d(longest), z(longest + 1);
  std::vector<int64_t> v(longest);
  const int64_t stride[3] = {1, n[0], n[0] * n[1]};
  for (int axis = 0; axis < 3; ++axis) {
    if (n[axis] == 1) continue;  // nothing to propagate along a one-voxel axis
    const int a1 = (axis + 1) % 3, a2 = (axis + 2) % 3;
    for (int64_t u = 0; u < n[a1]; ++u)
      for (int64_t w = 0; w < n[a2]; ++w) {
        const int64_t base = u * stride[a1] + w * stride[a2];
        for (int64_t p = 0; p < n[axis]; ++p) f[p] = dist[base + p * stride[axis]];
        distanceTransform1d(f.data(), n[axis], spacing[axis], d.data(), v.data(), z.data());
        for (int64_t p = 0; p < n[axis]; ++p) dist[base + p * stride[axis]] = d[p];
      }
  }
  return dist;
}

std::vector<double> signedDistance(const std::vector<uint8_t>& inside, const core::Index3& size,
                                   const core::Vec3& spacing) {
  std::vector<uint8_t> outside(inside.size());
  for (size_t i = 0; i < inside.size(); ++i) outside[i] = inside[i] ? 0 : 1;
  const std::vector<double> toInside = squaredDistanceTransform(inside, size, spacing);
  const std::vector<double> toOutside = squaredDistanceTransform(outside, size, spacing);
  std::vector<double> signedDist(inside.size());
  for (size_t i = 0; i < inside.size(); ++i)
    signedDist[i] = inside[i] ? -std::sqrt(toOutside[i]) : std::sqrt(toInside[i]);
  return signedDist;
}

}  // namespace aunet::imaging
