#include "imaging/SliceFloodFill.h"

#include <vector>

namespace aunet::imaging {

int64_t floodFillSlice(core::LabelMap& labels, const float* intensity, const core::Index3& seed, int normalAxis,
                       uint16_t value, const PaintRule& rule, LabelDelta& delta) {
  const core::Geometry& g = labels.geometry();
  for (int a = 0; a < 3; ++a)
    if (seed[a] < 0 || seed[a] >= g.size[a]) return 0;
  const uint16_t region = labels.at(seed[0], seed[1], seed[2]);
  if (region == value) return 0;
  const int u = normalAxis == 0 ? 1 : 0, v = normalAxis == 2 ? 1 : 2;  // the slice's two axes
  const int64_t nu = g.size[u], nv = g.size[v];
  const int64_t stride[3] = {1, g.size[0], g.size[0] * g.size[1]};
  const int64_t base = seed[normalAxis] * stride[normalAxis];
  const auto inRegion = [&](int64_t offset) {
    return labels.data()[offset] == region && (!rule.threshold || (intensity && rule.allowsIntensity(intensity[offset])));
  };
  std::vector<uint8_t> seen(static_cast<size_t>(nu * nv), 0);
  std::vector<std::pair<int64_t, int64_t>> stack{{seed[u], seed[v]}};
  if (!inRegion(base + seed[u] * stride[u] + seed[v] * stride[v])) return 0;
  seen[static_cast<size_t>(seed[u] + seed[v] * nu)] = 1;
  const size_t before = delta.size();
  // The region is found before anything is written: the fill value may equal a
  // neighbour's label, and a rule may refuse some voxels of the region.
  std::vector<int64_t> members;
  while (!stack.empty()) {
    const auto [a, b] = stack.back();
    stack.pop_back();
    members.push_back(base + a * stride[u] + b * stride[v]);
    const int64_t next[4][2] = {{a - 1, b}, {a + 1, b}, {a, b - 1}, {a, b + 1}};
    for (const auto& n : next) {
      if (n[0] < 0 || n[1] < 0 || n[0] >= nu || n[1] >= nv) continue;
      uint8_t& s = seen[static_cast<size_t>(n[0] + n[1] * nu)];
      if (s || !inRegion(base + n[0] * stride[u] + n[1] * stride[v])) continue;
      s = 1;
      stack.push_back({n[0], n[1]});
    }
  }
  for (int64_t offset : members)
    if (rule.allowsLabel(labels.data()[offset])) delta.set(labels, offset, value);
  return static_cast<int64_t>(delta.size() - before);
}

}  // namespace aunet::imaging
