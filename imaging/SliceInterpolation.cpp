#include "imaging/SliceInterpolation.h"

#include <algorithm>
#include <vector>

#include "imaging/DistanceTransform.h"

namespace aunet::imaging {

namespace {

// The in-plane box (inclusive) of `label` over slices a and b, grown by one voxel (so
// its rim is outside both shapes and distances inside the box are exact) and clamped.
struct PlaneBox {
  int64_t u0, u1, v0, v1;
};

}  // namespace

int64_t interpolateBetweenSlices(core::LabelMap& labels, uint16_t label, int normalAxis, const PaintRule& rule,
                                 LabelDelta& delta) {
  if (label == 0) return 0;
  const core::Geometry& g = labels.geometry();
  const int u = normalAxis == 0 ? 1 : 0, v = normalAxis == 2 ? 1 : 2;
  const int64_t stride[3] = {1, g.size[0], g.size[0] * g.size[1]};
  const int64_t nu = g.size[u], nv = g.size[v], nw = g.size[normalAxis];
  const uint16_t* data = labels.data();
  const auto offset = [&](int64_t a, int64_t b, int64_t w) { return a * stride[u] + b * stride[v] + w * stride[normalAxis]; };

  // Each slice's in-plane box of the label (empty: not drawn).
  std::vector<PlaneBox> boxes(static_cast<size_t>(nw), PlaneBox{nu, -1, nv, -1});
  for (int64_t w = 0; w < nw; ++w)
    for (int64_t b = 0; b < nv; ++b)
      for (int64_t a = 0; a < nu; ++a)
        if (data[offset(a, b, w)] == label) {
          PlaneBox& box = boxes[static_cast<size_t>(w)];
          box.u0 = std::min(box.u0, a), box.u1 = std::max(box.u1, a);
          box.v0 = std::min(box.v0, b), box.v1 = std::max(box.v1, b);
        }
  std::vector<int64_t> drawn;
  for (int64_t w = 0; w < nw; ++w)
    if (boxes[static_cast<size_t>(w)].u1 >= 0) drawn.push_back(w);

  const core::Vec3 planeSpacing{g.spacing[u], g.spacing[v], 1.0};
  const size_t before = delta.size();
  for (size_t n = 0; n + 1 < drawn.size(); ++n) {
    const int64_t wa = drawn[n], wb = drawn[n + 1];
    if (wb - wa < 2) continue;
    const PlaneBox& A = boxes[static_cast<size_t>(wa)];
    const PlaneBox& B = boxes[static_cast<size_t>(wb)];
    const PlaneBox box{std::max<int64_t>(0, std::min(A.u0, B.u0) - 1), std::min(nu - 1, std::max(A.u1, B.u1) + 1),
                       std::max<int64_t>(0, std::min(A.v0, B.v0) - 1), std::min(nv - 1, std::max(A.v1, B.v1) + 1)};
    const int64_t bu = box.u1 - box.u0 + 1, bv = box.v1 - box.v0 + 1;
    const auto shape = [&](int64_t w) {
      std::vector<uint8_t> inside(static_cast<size_t>(bu * bv));
      for (int64_t b = 0; b < bv; ++b)
        for (int64_t a = 0; a < bu; ++a)
          inside[static_cast<size_t>(a + b * bu)] = data[offset(box.u0 + a, box.v0 + b, w)] == label;
      return signedDistance(inside, core::Index3{bu, bv, 1}, planeSpacing);
    };
    const std::vector<double> da = shape(wa), db = shape(wb);
    for (int64_t w = wa + 1; w < wb; ++w) {
      const double t = static_cast<double>(w - wa) / static_cast<double>(wb - wa);
      for (int64_t b = 0; b < bv; ++b)
        for (int64_t a = 0; a < bu; ++a) {
          const size_t i = static_cast<size_t>(a + b * bu);
          if ((1.0 - t) * da[i] + t * db[i] > 0.0) continue;
          const int64_t o = offset(box.u0 + a, box.v0 + b, w);
          if (rule.allowsLabel(labels.data()[o])) delta.set(labels, o, label);
        }
    }
  }
  return static_cast<int64_t>(delta.size() - before);
}

}  // namespace aunet::imaging
