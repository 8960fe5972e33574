#include "imaging/Reorientation.h"

#include <cctype>
#include <cmath>

#include "core/Error.h"

namespace aunet::imaging {

namespace {

// For each output axis: the input axis it comes from and whether it runs backwards.
struct AxisMap {
  int source[3];
  bool flip[3];
};

AxisMap axisMap(const core::Geometry& g, const std::string& code) {
  if (code.size() != 3) throw core::Error("orientation code '" + code + "': expected three letters such as RAI or LPI");
  // Letter -> physical axis (0 x, 1 y, 2 z) and sign of the axis direction in LPS.
  auto decode = [&](char letter, int* axis, int* sign) {
    switch (std::toupper(static_cast<unsigned char>(letter))) {
      case 'R': *axis = 0; *sign = +1; return;
      case 'L': *axis = 0; *sign = -1; return;
      case 'A': *axis = 1; *sign = +1; return;
      case 'P': *axis = 1; *sign = -1; return;
      case 'I': *axis = 2; *sign = +1; return;
      case 'S': *axis = 2; *sign = -1; return;
    }
    throw core::Error("orientation code '" + code + "': '" + std::string(1, letter) + "' is not one of R L A P I S");
  };
  // Dominant physical axis of each input axis.
  int dominant[3];
  for (int c = 0; c < 3; ++c) {
    int best = 0;
    for (int r = 1; r < 3; ++r)
      if (std::abs(g.direction[r * 3 + c]) > std::abs(g.direction[best * 3 + c])) best = r;
    dominant[c] = best;
  }
  if (dominant[0] == dominant[1] || dominant[1] == dominant[2] || dominant[0] == dominant[2])
    throw core::Error("cannot reorient: two axes of the grid point mostly the same way (" + g.describe() + ")");
  AxisMap m{};
  bool used[3] = {false, false, false};
  for (int t = 0; t < 3; ++t) {
    int axis, sign;
    decode(code[t], &axis, &sign);
    if (used[axis]) throw core::Error("orientation code '" + code + "' names the same axis twice");
    used[axis] = true;
    for (int c = 0; c < 3; ++c)
      if (dominant[c] == axis) {
        m.source[t] = c;
        m.flip[t] = (g.direction[axis * 3 + c] >= 0 ? +1 : -1) != sign;
      }
  }
  return m;
}

core::Geometry apply(const core::Geometry& g, const AxisMap& m) {
  core::Geometry out;
  core::Vec3 corner{0, 0, 0};  // input index of output voxel (0, 0, 0)
  for (int t = 0; t < 3; ++t) {
    const int s = m.source[t];
    out.size[t] = g.size[s];
    out.spacing[t] = g.spacing[s];
    for (int r = 0; r < 3; ++r) out.direction[r * 3 + t] = (m.flip[t] ? -1.0 : 1.0) * g.direction[r * 3 + s];
    corner[s] = m.flip[t] ? static_cast<double>(g.size[s] - 1) : 0.0;
  }
  out.origin = g.indexToPhysical(corner);
  return out;
}

// Copies voxels: output (i, j, k) takes the input voxel on the same centre.
template <typename T>
void permute(const core::Geometry& in, const core::Geometry& out, const AxisMap& m, const T* src, T* dst) {
  int64_t idx[3];
  for (int64_t k = 0; k < out.size[2]; ++k)
    for (int64_t j = 0; j < out.size[1]; ++j)
      for (int64_t i = 0; i < out.size[0]; ++i) {
        const int64_t o[3] = {i, j, k};
        for (int t = 0; t < 3; ++t) idx[m.source[t]] = m.flip[t] ? out.size[t] - 1 - o[t] : o[t];
        dst[out.offset(i, j, k)] = src[in.offset(idx[0], idx[1], idx[2])];
      }
}

}  // namespace

core::Geometry reorientedGeometry(const core::Geometry& geometry, const std::string& code) {
  return apply(geometry, axisMap(geometry, code));
}

core::Volume reorient(const core::Volume& volume, const std::string& code) {
  const AxisMap m = axisMap(volume.geometry(), code);
  core::Volume out(apply(volume.geometry(), m), volume.channels(), volume.originalType());
  out.metadata() = volume.metadata();
  for (int c = 0; c < volume.channels(); ++c)
    permute(volume.geometry(), out.geometry(), m, volume.channel(c), out.channel(c));
  return out;
}

core::LabelMap reorient(const core::LabelMap& labels, const std::string& code) {
  const AxisMap m = axisMap(labels.geometry(), code);
  core::LabelMap out(apply(labels.geometry(), m));
  out.metadata() = labels.metadata();
  permute(labels.geometry(), out.geometry(), m, labels.data(), out.data());
  return out;
}

}  // namespace aunet::imaging
