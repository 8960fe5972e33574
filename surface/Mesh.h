#pragma once
// A closed triangle surface in patient coordinates (LPS, mm, like core::Geometry):
// shared vertices and triangles that index them, wound counter-clockwise seen from
// outside the labelled region, so every normal (right-hand rule) points out of it.

#include <array>
#include <cstdint>
#include <vector>

#include "core/Geometry.h"

namespace aunet::surface {

struct Mesh {
  std::vector<core::Vec3> vertices;
  std::vector<std::array<uint32_t, 3>> triangles;

  bool empty() const { return triangles.empty(); }
};

}  // namespace aunet::surface
