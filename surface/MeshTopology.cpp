#include "surface/MeshTopology.h"

#include <algorithm>
#include <unordered_map>

namespace aunet::surface {

int64_t badEdgeCount(const Mesh& mesh) {
  // Key: the undirected edge; value: uses low->high and high->low.
  std::unordered_map<uint64_t, std::pair<int, int>> uses;
  uses.reserve(mesh.triangles.size() * 2);
  for (const auto& t : mesh.triangles)
    for (int e = 0; e < 3; ++e) {
      const uint32_t a = t[e], b = t[(e + 1) % 3];
      const uint64_t key = (uint64_t{std::min(a, b)} << 32) | std::max(a, b);
      auto& u = uses[key];
      (a < b ? u.first : u.second) += 1;
    }
  int64_t bad = 0;
  for (const auto& [key, u] : uses)
    if (u.first != 1 || u.second != 1) ++bad;
  return bad;
}

}  // namespace aunet::surface
