#include "imaging/MaskPainting.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace aunet::imaging {

int64_t paintFootprint(core::LabelMap& labels, const float* intensity, const core::Index3& centre,
                       const BrushFootprint& footprint, uint16_t value, const PaintRule& rule, LabelDelta& delta) {
  const core::Geometry& g = labels.geometry();
  const uint16_t* data = labels.data();
  const size_t before = delta.size();
  for (const core::Index3& o : footprint.offsets) {
    const int64_t i = centre[0] + o[0], j = centre[1] + o[1], k = centre[2] + o[2];
    if (i < 0 || j < 0 || k < 0 || i >= g.size[0] || j >= g.size[1] || k >= g.size[2]) continue;
    const int64_t offset = g.offset(i, j, k);
    if (!rule.allowsLabel(data[offset])) continue;
    if (rule.threshold && (!intensity || !rule.allowsIntensity(intensity[offset]))) continue;
    delta.set(labels, offset, value);
  }
  return static_cast<int64_t>(delta.size() - before);
}

int64_t paintLine(core::LabelMap& labels, const float* intensity, const core::Index3& from, const core::Index3& to,
                  const BrushFootprint& footprint, uint16_t value, const PaintRule& rule, LabelDelta& delta,
                  bool skipFirst) {
  const int64_t steps = std::max({std::abs(to[0] - from[0]), std::abs(to[1] - from[1]), std::abs(to[2] - from[2])});
  int64_t changed = 0;
  for (int64_t s = skipFirst ? 1 : 0; s <= steps; ++s) {
    const double t = steps == 0 ? 0.0 : static_cast<double>(s) / static_cast<double>(steps);
    core::Index3 at{};
    for (int a = 0; a < 3; ++a)
      at[a] = from[a] + static_cast<int64_t>(std::lround(t * static_cast<double>(to[a] - from[a])));
    changed += paintFootprint(labels, intensity, at, footprint, value, rule, delta);
  }
  return changed;
}

}  // namespace aunet::imaging
