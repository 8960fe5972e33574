#include "imaging/ImageResampler.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

#include "core/Error.h"
#include "core/ThreadCount.h"

namespace aunet::imaging {

namespace {

// Affine map from an output index to an input continuous index:
// in = A * out + b, with A = (Din Sin)^-1 Dout Sout and b = (Din Sin)^-1 (Oout - Oin).
struct IndexMap {
  double a[9];
  double b[3];
};

IndexMap indexMap(const core::Geometry& in, const core::Geometry& out) {
  IndexMap m{};
  const core::Vec3 b = in.physicalToIndex(out.origin);
  for (int r = 0; r < 3; ++r) m.b[r] = b[r];
  // Column c of A: where a unit step along output axis c lands, minus b.
  for (int c = 0; c < 3; ++c) {
    core::Vec3 step{0, 0, 0};
    step[c] = 1.0;
    const core::Vec3 p = out.indexToPhysical(step);
    const core::Vec3 idx = in.physicalToIndex(p);
    for (int r = 0; r < 3; ++r) m.a[r * 3 + c] = idx[r] - b[r];
  }
  return m;
}

// Runs body(k) for every output slice on the process's thread budget (--threads).
template <typename F>
void forEachSlice(int64_t slices, F&& body) {
  const int64_t threads = std::max<int64_t>(1, std::min<int64_t>(core::threadCount(), slices));
  if (threads == 1) {
    for (int64_t k = 0; k < slices; ++k) body(k);
    return;
  }
  std::vector<std::thread> pool;
  for (int64_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int64_t k = t; k < slices; k += threads) body(k);
    });
  for (auto& th : pool) th.join();
}

void checkTarget(const core::Geometry& target) { target.validate("resampling target grid"); }

// Within half a voxel of the outermost centres counts as inside (ITK's rule).
bool insideInput(const double x[3], const core::Index3& n) {
  return !(x[0] < -0.5 || x[1] < -0.5 || x[2] < -0.5 || x[0] > n[0] - 0.5 || x[1] > n[1] - 0.5 || x[2] > n[2] - 0.5);
}

// Per-label linear: the trilinear weights of the 8 surrounding voxels summed per
// label (the one-hot indicators interpolated), then the label with the largest sum.
core::LabelMap resamplePerLabelLinear(const core::LabelMap& labels, const core::Geometry& target) {
  const core::Geometry& in = labels.geometry();
  core::LabelMap result(target);
  result.metadata() = labels.metadata();
  const IndexMap m = indexMap(in, target);
  forEachSlice(target.size[2], [&](int64_t k) {
    for (int64_t j = 0; j < target.size[1]; ++j)
      for (int64_t i = 0; i < target.size[0]; ++i) {
        double x[3];
        for (int r = 0; r < 3; ++r) x[r] = m.a[r * 3] * i + m.a[r * 3 + 1] * j + m.a[r * 3 + 2] * k + m.b[r];
        const int64_t o = target.offset(i, j, k);
        if (!insideInput(x, in.size)) {
          result.data()[o] = 0;
          continue;
        }
        int64_t lo[3], hi[3];
        double f[3];
        for (int a = 0; a < 3; ++a) {
          const double fl = std::floor(x[a]);
          f[a] = x[a] - fl;
          lo[a] = std::clamp<int64_t>(static_cast<int64_t>(fl), 0, in.size[a] - 1);
          hi[a] = std::clamp<int64_t>(static_cast<int64_t>(fl) + 1, 0, in.size[a] - 1);
        }
        uint16_t seen[8];
        double weight[8];
        int distinct = 0;
        for (int corner = 0; corner < 8; ++corner) {
          const int bi = corner & 1, bj = (corner >> 1) & 1, bk = (corner >> 2) & 1;
          const double w = (bi ? f[0] : 1 - f[0]) * (bj ? f[1] : 1 - f[1]) * (bk ? f[2] : 1 - f[2]);
          const uint16_t label = labels.data()[in.offset(bi ? hi[0] : lo[0], bj ? hi[1] : lo[1], bk ? hi[2] : lo[2])];
          int s = 0;
          while (s < distinct && seen[s] != label) ++s;
          if (s == distinct) {
            seen[distinct] = label;
            weight[distinct++] = 0.0;
          }
          weight[s] += w;
        }
        int best = 0;
        for (int s = 1; s < distinct; ++s)
          if (weight[s] > weight[best] || (weight[s] == weight[best] && seen[s] < seen[best])) best = s;
        result.data()[o] = seen[best];
      }
  });
  return result;
}

}  // namespace

core::Volume resample(const core::Volume& volume, const core::Geometry& target, Interpolation interpolation,
                      float outside) {
  checkTarget(target);
  const core::Geometry& in = volume.geometry();
  core::Volume result(target, volume.channels(), volume.originalType());
  result.metadata() = volume.metadata();
  const IndexMap m = indexMap(in, target);
  const int64_t nx = in.size[0], ny = in.size[1], nz = in.size[2];
  const int64_t inCount = in.voxelCount(), outCount = target.voxelCount();
  forEachSlice(target.size[2], [&](int64_t k) {
    for (int64_t j = 0; j < target.size[1]; ++j)
      for (int64_t i = 0; i < target.size[0]; ++i) {
        double x[3];
        for (int r = 0; r < 3; ++r) x[r] = m.a[r * 3] * i + m.a[r * 3 + 1] * j + m.a[r * 3 + 2] * k + m.b[r];
        const int64_t o = target.offset(i, j, k);
        // Within half a voxel of the outermost centres counts as inside (ITK's rule).
        if (x[0] < -0.5 || x[1] < -0.5 || x[2] < -0.5 || x[0] > nx - 0.5 || x[1] > ny - 0.5 || x[2] > nz - 0.5) {
          for (int c = 0; c < volume.channels(); ++c) result.data()[c * outCount + o] = outside;
          continue;
        }
        if (interpolation == Interpolation::Nearest) {
          const int64_t ii = std::clamp<int64_t>(static_cast<int64_t>(std::floor(x[0] + 0.5)), 0, nx - 1);
          const int64_t jj = std::clamp<int64_t>(static_cast<int64_t>(std::floor(x[1] + 0.5)), 0, ny - 1);
          const int64_t kk = std::clamp<int64_t>(static_cast<int64_t>(std::floor(x[2] + 0.5)), 0, nz - 1);
          const int64_t src = in.offset(ii, jj, kk);
          for (int c = 0; c < volume.channels(); ++c) result.data()[c * outCount + o] = volume.data()[c * inCount + src];
          continue;
        }
        int64_t lo[3], hi[3];
        double f[3];
        const int64_t n[3] = {nx, ny, nz};
        for (int a = 0; a < 3; ++a) {
          const double fl = std::floor(x[a]);
          f[a] = x[a] - fl;
          lo[a] = std::clamp<int64_t>(static_cast<int64_t>(fl), 0, n[a] - 1);
          hi[a] = std::clamp<int64_t>(static_cast<int64_t>(fl) + 1, 0, n[a] - 1);
        }
        for (int c = 0; c < volume.channels(); ++c) {
          const float* s = volume.data() + c * inCount;
          auto v = [&](int64_t a, int64_t b, int64_t d) { return static_cast<double>(s[in.offset(a, b, d)]); };
          const double c00 = v(lo[0], lo[1], lo[2]) * (1 - f[0]) + v(hi[0], lo[1], lo[2]) * f[0];
          const double c10 = v(lo[0], hi[1], lo[2]) * (1 - f[0]) + v(hi[0], hi[1], lo[2]) * f[0];
          const double c01 = v(lo[0], lo[1], hi[2]) * (1 - f[0]) + v(hi[0], lo[1], hi[2]) * f[0];
          const double c11 = v(lo[0], hi[1], hi[2]) * (1 - f[0]) + v(hi[0], hi[1], hi[2]) * f[0];
          const double c0 = c00 * (1 - f[1]) + c10 * f[1];
          const double c1 = c01 * (1 - f[1]) + c11 * f[1];
          result.data()[c * outCount + o] = static_cast<float>(c0 * (1 - f[2]) + c1 * f[2]);
        }
      }
  });
  return result;
}

core::LabelMap resample(const core::LabelMap& labels, const core::Geometry& target) {
  checkTarget(target);
  const core::Geometry& in = labels.geometry();
  core::LabelMap result(target);
  result.metadata() = labels.metadata();
  const IndexMap m = indexMap(in, target);
  forEachSlice(target.size[2], [&](int64_t k) {
    for (int64_t j = 0; j < target.size[1]; ++j)
      for (int64_t i = 0; i < target.size[0]; ++i) {
        int64_t idx[3];
        bool inside = true;
        for (int r = 0; r < 3; ++r) {
          const double x = m.a[r * 3] * i + m.a[r * 3 + 1] * j + m.a[r * 3 + 2] * k + m.b[r];
          if (x < -0.5 || x > in.size[r] - 0.5) inside = false;
          idx[r] = std::clamp<int64_t>(static_cast<int64_t>(std::floor(x + 0.5)), 0, in.size[r] - 1);
        }
        result.data()[target.offset(i, j, k)] = inside ? labels.data()[in.offset(idx[0], idx[1], idx[2])] : 0;
      }
  });
  return result;
}

core::LabelMap resample(const core::LabelMap& labels, const core::Geometry& target, LabelInterpolation interpolation) {
  if (interpolation == LabelInterpolation::Nearest) return resample(labels, target);
  checkTarget(target);
  return resamplePerLabelLinear(labels, target);
}

core::Geometry withSpacing(const core::Geometry& geometry, const core::Vec3& spacing) {
  core::Geometry out = geometry;
  for (int a = 0; a < 3; ++a) {
    if (!(spacing[a] > 0) || !std::isfinite(spacing[a]))
      throw core::Error("target spacing must be positive, got " + std::to_string(spacing[a]) + " mm");
    out.spacing[a] = spacing[a];
    out.size[a] = std::max<int64_t>(1, std::llround(geometry.size[a] * geometry.spacing[a] / spacing[a]));
  }
  // Keep the outer corner of voxel (0,0,0): origin moves by half the spacing change.
  for (int r = 0; r < 3; ++r) {
    double shift = 0.0;
    for (int c = 0; c < 3; ++c) shift += geometry.direction[r * 3 + c] * 0.5 * (spacing[c] - geometry.spacing[c]);
    out.origin[r] = geometry.origin[r] + shift;
  }
  return out;
}

}  // namespace aunet::imaging
