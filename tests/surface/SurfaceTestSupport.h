#pragma once
// Generated spheres on straight, oblique and mirrored grids, and the mesh checks the
// surface tests share: watertightness, enclosed volume and centroid, computed here
// independently of surface/.

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <utility>

#include "core/LabelMap.h"
#include "surface/Mesh.h"

namespace aunet::surface::test {

// A grid of `spacing` and `direction` centred on `centre`, wide enough for a sphere of
// `radius` mm with a few voxels to spare.
inline core::Geometry gridAround(const core::Vec3& centre, double radius, const core::Vec3& spacing,
                                 const core::Mat3& direction) {
  core::Geometry g;
  g.spacing = spacing;
  g.direction = direction;
  for (int a = 0; a < 3; ++a) g.size[a] = static_cast<int64_t>(std::ceil(2 * radius / spacing[a])) + 6;
  core::Vec3 half;
  for (int a = 0; a < 3; ++a) half[a] = 0.5 * static_cast<double>(g.size[a] - 1) * spacing[a];
  for (int r = 0; r < 3; ++r)
    g.origin[r] = centre[r] - (direction[3 * r] * half[0] + direction[3 * r + 1] * half[1] + direction[3 * r + 2] * half[2]);
  return g;
}

// Voxels whose centre lies within `radius` of `centre` get `label` (and, with an
// inner radius, those within it get 0 again: a hollow shell).
inline void paintSphere(core::LabelMap& mask, const core::Vec3& centre, double radius, uint16_t label,
                        double innerRadius = -1.0) {
  const core::Geometry& g = mask.geometry();
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        const double d = std::hypot(p[0] - centre[0], p[1] - centre[1], p[2] - centre[2]);
        if (d <= radius && d > innerRadius) mask.at(i, j, k) = label;
      }
}

// Rotation about the unit axis (x, y, z) by `degrees`, row-major.
inline core::Mat3 rotation(double x, double y, double z, double degrees) {
  const double n = std::sqrt(x * x + y * y + z * z);
  x /= n, y /= n, z /= n;
  const double t = degrees * M_PI / 180.0, c = std::cos(t), s = std::sin(t), C = 1 - c;
  return {x * x * C + c,     x * y * C - z * s, x * z * C + y * s,  //
          y * x * C + z * s, y * y * C + c,     y * z * C - x * s,  //
          z * x * C - y * s, z * y * C + x * s, z * z * C + c};
}

inline double voxelVolume(const core::LabelMap& mask, uint16_t label) {
  const auto& s = mask.geometry().spacing;
  return static_cast<double>(mask.count(label)) * s[0] * s[1] * s[2];
}

// Every undirected edge used by exactly two triangles, once in each direction (a
// closed, consistently wound surface). Returns the number of edges that fail.
inline int64_t badEdges(const Mesh& mesh) {
  std::map<std::pair<uint32_t, uint32_t>, std::array<int, 2>> uses;  // (lo, hi) -> {lo->hi, hi->lo}
  for (const auto& t : mesh.triangles)
    for (int e = 0; e < 3; ++e) {
      const uint32_t a = t[e], b = t[(e + 1) % 3];
      auto& u = uses[{std::min(a, b), std::max(a, b)}];
      ++u[a < b ? 0 : 1];
    }
  int64_t bad = 0;
  for (const auto& [edge, u] : uses)
    if (u[0] != 1 || u[1] != 1) ++bad;
  return bad;
}

struct Solid {
  double volume = 0;            // mm^3, positive for outward normals
  core::Vec3 centroid{0, 0, 0};  // of the enclosed volume
};

// Divergence theorem over tetrahedra (first vertex, triangle): signed volume and the
// volume-weighted centroid.
inline Solid solidOf(const Mesh& mesh) {
  Solid s;
  if (mesh.vertices.empty()) return s;
  const core::Vec3 o = mesh.vertices.front();
  core::Vec3 moment{0, 0, 0};
  for (const auto& t : mesh.triangles) {
    core::Vec3 a, b, c;
    for (int r = 0; r < 3; ++r) {
      a[r] = mesh.vertices[t[0]][r] - o[r];
      b[r] = mesh.vertices[t[1]][r] - o[r];
      c[r] = mesh.vertices[t[2]][r] - o[r];
    }
    const double v = (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) +
                      a[2] * (b[0] * c[1] - b[1] * c[0])) / 6.0;
    s.volume += v;
    for (int r = 0; r < 3; ++r) moment[r] += v * (a[r] + b[r] + c[r]) / 4.0;
  }
  for (int r = 0; r < 3; ++r) s.centroid[r] = o[r] + (s.volume != 0 ? moment[r] / s.volume : 0.0);
  return s;
}

}  // namespace aunet::surface::test
