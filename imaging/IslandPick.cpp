#include "imaging/IslandPick.h"

namespace aunet::imaging {

std::vector<int64_t> connectedComponentAt(const core::LabelMap& labels, const core::Index3& seed) {
  const core::Geometry& g = labels.geometry();
  for (int a = 0; a < 3; ++a)
    if (seed[a] < 0 || seed[a] >= g.size[a]) return {};
  const uint16_t label = labels.at(seed[0], seed[1], seed[2]);
  if (label == 0) return {};
  std::vector<uint8_t> seen(static_cast<size_t>(g.voxelCount()), 0);
  std::vector<int64_t> component{g.offset(seed[0], seed[1], seed[2])};
  seen[static_cast<size_t>(component[0])] = 1;
  const uint16_t* data = labels.data();
  // Breadth first over the growing list itself: it is the queue and the result.
  for (size_t head = 0; head < component.size(); ++head) {
    const int64_t o = component[head];
    const int64_t i = o % g.size[0], j = (o / g.size[0]) % g.size[1], k = o / (g.size[0] * g.size[1]);
    for (int64_t dk = -1; dk <= 1; ++dk) {
      const int64_t kk = k + dk;
      if (kk < 0 || kk >= g.size[2]) continue;
      for (int64_t dj = -1; dj <= 1; ++dj) {
        const int64_t jj = j + dj;
        if (jj < 0 || jj >= g.size[1]) continue;
        for (int64_t di = -1; di <= 1; ++di) {
          const int64_t ii = i + di;
          if (ii < 0 || ii >= g.size[0]) continue;
          const int64_t n = g.offset(ii, jj, kk);
          if (seen[static_cast<size_t>(n)] || data[n] != label) continue;
          seen[static_cast<size_t>(n)] = 1;
          component.push_back(n);
        }
      }
    }
  }
  return component;
}

int64_t removeIsland(core::LabelMap& labels, const core::Index3& seed, LabelDelta& delta) {
  const std::vector<int64_t> component = connectedComponentAt(labels, seed);
  for (int64_t o : component) delta.set(labels, o, 0);
  return static_cast<int64_t>(component.size());
}

int64_t keepIsland(core::LabelMap& labels, const core::Index3& seed, LabelDelta& delta) {
  const std::vector<int64_t> component = connectedComponentAt(labels, seed);
  if (component.empty()) return 0;
  const uint16_t label = labels.data()[component[0]];
  std::vector<uint8_t> keep(labels.labels().size(), 0);
  for (int64_t o : component) keep[static_cast<size_t>(o)] = 1;
  const size_t before = delta.size();
  const int64_t n = static_cast<int64_t>(labels.labels().size());
  for (int64_t o = 0; o < n; ++o)
    if (labels.data()[o] == label && !keep[static_cast<size_t>(o)]) delta.set(labels, o, 0);
  return static_cast<int64_t>(delta.size() - before);
}

}  // namespace aunet::imaging
