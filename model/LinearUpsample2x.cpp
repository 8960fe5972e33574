#include "model/LinearUpsample2x.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <vector>

#include "model/Bf16Values.h"
#include "model/KernelTargets.h"
#include "model/NetworkLayers.h"
#include "model/TensorValues.h"

namespace aunet::model {

namespace {

// Source index pair and weights for output index o of an axis of n input samples.
struct Taps {
  int64_t near, far;  // weights 0.75 and 0.25
};

Taps taps(int64_t o, int64_t n) {
  const int64_t k = o / 2;
  return {k, (o % 2 == 0) ? std::max<int64_t>(k - 1, 0) : std::min<int64_t>(k + 1, n - 1)};
}

struct Layout {
  int64_t batch, z, y, x;  // element strides; a voxel's channels are adjacent
};

// One output row (fixed n, z, y): blends the (up to) four input rows of the two
// outer axes into `row` (w x c floats), then doubles it along x into dst. T is float,
// or uint16_t for bf16 values (model/Bf16Values.h); the arithmetic is float.
template <typename T>
inline __attribute__((always_inline)) void upsampleRowBody(const T* src, const Layout& s, int64_t w, int64_t c,
                                                           const Taps& tz, const Taps& ty, bool three_d, float* row,
                                                           T* dst, int64_t dst_voxel) {
  using kernels::loadValue;
  const T* r00 = src + tz.near * s.z + ty.near * s.y;
  const T* r01 = src + tz.near * s.z + ty.far * s.y;
  const T* r10 = src + tz.far * s.z + ty.near * s.y;
  const T* r11 = src + tz.far * s.z + ty.far * s.y;
  const int64_t n = w * c;  // input rows are contiguous: channels-last
  if (three_d) {
    for (int64_t i = 0; i < n; ++i)
      row[i] = 0.75f * (0.75f * loadValue(r00, i) + 0.25f * loadValue(r01, i)) +
               0.25f * (0.75f * loadValue(r10, i) + 0.25f * loadValue(r11, i));
  } else {
    for (int64_t i = 0; i < n; ++i) row[i] = 0.75f * loadValue(r00, i) + 0.25f * loadValue(r01, i);
  }
  for (int64_t ox = 0; ox < 2 * w; ++ox) {
    const Taps tx = taps(ox, w);
    const float* a = row + tx.near * c;
    const float* b = row + tx.far * c;
    T* out = dst + ox * dst_voxel;
    for (int64_t ch = 0; ch < c; ++ch) kernels::storeValue(out, ch, 0.75f * a[ch] + 0.25f * b[ch]);
  }
}

// The row loop for each value type, in a baseline and an AVX2 copy (model/KernelTargets.h).
AUNET_VECTOR_CLONES void upsampleRow(const float* src, const Layout& s, int64_t w, int64_t c, const Taps& tz,
                                     const Taps& ty, bool three_d, float* row, float* dst, int64_t dst_voxel) {
  upsampleRowBody(src, s, w, c, tz, ty, three_d, row, dst, dst_voxel);
}
AUNET_VECTOR_CLONES void upsampleRow(const uint16_t* src, const Layout& s, int64_t w, int64_t c, const Taps& tz,
                                     const Taps& ty, bool three_d, float* row, uint16_t* dst, int64_t dst_voxel) {
  upsampleRowBody(src, s, w, c, tz, ty, three_d, row, dst, dst_voxel);
}

// The fine samples whose gradient reaches coarse sample k of an axis of n (the
// transpose of taps()): up to four (index, weight) pairs.
struct BackTaps {
  int64_t index[4];
  float weight[4];
  int count = 0;
  void add(int64_t i, float w) {
    for (int t = 0; t < count; ++t)
      if (index[t] == i) {
        weight[t] += w;
        return;
      }
    index[count] = i;
    weight[count++] = w;
  }
};

BackTaps backTaps(int64_t k, int64_t n) {
  BackTaps t;
  t.add(2 * k, 0.75f);
  t.add(2 * k + 1, 0.75f);
  if (k > 0) t.add(2 * k - 1, 0.25f);  // fine 2k-1 = 2(k-1)+1 takes k as its far tap
  if (k + 1 < n) t.add(2 * k + 2, 0.25f);  // fine 2k+2 = 2(k+1) takes k as its far tap
  if (k == 0) t.add(0, 0.25f);  // fine 0's far tap clamps to 0
  if (k == n - 1) t.add(2 * n - 1, 0.25f);  // fine 2n-1's far tap clamps to n-1
  return t;
}

// One coarse row (fixed n, z, y) of the gradient: the weighted fine rows of the two
// outer axes summed into `row` (2w x c floats), then folded along x into dst.
template <typename T>
inline __attribute__((always_inline)) void upsampleBackwardRowBody(const T* grad, const Layout& g, int64_t w,
                                                                   int64_t c, const BackTaps& tz, const BackTaps& ty,
                                                                   float* row, T* dst) {
  using kernels::loadValue;
  const int64_t n = 2 * w;
  for (int64_t i = 0; i < n * c; ++i) row[i] = 0.0f;
  for (int a = 0; a < tz.count; ++a)
    for (int b = 0; b < ty.count; ++b) {
      const T* fine = grad + tz.index[a] * g.z + ty.index[b] * g.y;
      const float weight = tz.weight[a] * ty.weight[b];
      for (int64_t ox = 0; ox < n; ++ox) {
        const T* v = fine + ox * g.x;
        float* r = row + ox * c;
        for (int64_t ch = 0; ch < c; ++ch) r[ch] += weight * loadValue(v, ch);
      }
    }
  for (int64_t x = 0; x < w; ++x) {
    const BackTaps tx = backTaps(x, w);
    T* out = dst + x * c;
    for (int64_t ch = 0; ch < c; ++ch) {
      float sum = 0.0f;
      for (int t = 0; t < tx.count; ++t) sum += tx.weight[t] * row[tx.index[t] * c + ch];
      kernels::storeValue(out, ch, sum);
    }
  }
}

AUNET_VECTOR_CLONES void upsampleBackwardRow(const float* grad, const Layout& g, int64_t w, int64_t c,
                                             const BackTaps& tz, const BackTaps& ty, float* row, float* dst) {
  upsampleBackwardRowBody(grad, g, w, c, tz, ty, row, dst);
}
AUNET_VECTOR_CLONES void upsampleBackwardRow(const uint16_t* grad, const Layout& g, int64_t w, int64_t c,
                                             const BackTaps& tz, const BackTaps& ty, float* row, uint16_t* dst) {
  upsampleBackwardRowBody(grad, g, w, c, tz, ty, row, dst);
}

// What both directions need of a coarse and a fine tensor: CPU, one value type
// (float32 or bf16), rank 4 or 5, the same batch and channels, the fine one twice the
// coarse one's size on every spatial axis after the first (dim 2 is the caller's).
bool coarseAndFineMatch(const torch::Tensor& coarse, const torch::Tensor& fine) {
  if (!coarse.defined() || !fine.defined() || coarse.dim() != fine.dim() || (coarse.dim() != 4 && coarse.dim() != 5))
    return false;
  if (!coarse.device().is_cpu() || !fine.device().is_cpu() || coarse.scalar_type() != fine.scalar_type() ||
      (coarse.scalar_type() != torch::kBFloat16 && coarse.scalar_type() != torch::kFloat32))
    return false;
  if (coarse.size(0) != fine.size(0) || coarse.size(1) != fine.size(1)) return false;
  for (int64_t axis = 3; axis < coarse.dim(); ++axis)
    if (fine.size(axis) != 2 * coarse.size(axis)) return false;
  return true;
}

}  // namespace

bool linearUpsample2xBackwardInto(const torch::Tensor& grad, torch::Tensor& dst) {
  if (!coarseAndFineMatch(dst, grad) || grad.size(2) != 2 * dst.size(2)) return false;
  const bool three_d = grad.dim() == 5;
  if (!dst.is_contiguous(layers::channelsLastFormat(dst))) return false;
  const int64_t voxel = layers::channelSliceVoxelStride(grad);
  if (voxel == 0) return false;
  if (dst.numel() == 0) return true;

  RECORD_FUNCTION("aunet::linear_upsample_2x_backward", std::vector<c10::IValue>());  // named in profiles
  const int64_t n = dst.size(0), c = dst.size(1);
  const int64_t d = three_d ? dst.size(2) : 1, h = dst.size(-2), w = dst.size(-1);
  const Layout g{grad.stride(0), three_d ? grad.stride(2) : 0, grad.stride(-2), voxel};
  const Layout o{dst.stride(0), three_d ? dst.stride(2) : 0, dst.stride(-2), c};
  auto run = [&](const auto* in, auto* out) {
    at::parallel_for(0, n * d * h, 1, [&](int64_t first, int64_t last) {
      std::vector<float> row(static_cast<size_t>(2 * w * c));
      for (int64_t r = first; r < last; ++r) {
        const int64_t y = r % h, z = (r / h) % d, b = r / (h * d);
        const BackTaps tz = three_d ? backTaps(z, d) : BackTaps{{0}, {1.0f}, 1};
        upsampleBackwardRow(in + b * g.batch, g, w, c, tz, backTaps(y, h), row.data(),
                            out + b * o.batch + z * o.z + y * o.y);
      }
    });
  };
  forValueType(grad.scalar_type(), [&](auto type) {
    using T = decltype(type);
    run(tensorValues<T>(grad), tensorValues<T>(dst));
  });
  return true;
}

bool linearUpsample2xInto(const torch::Tensor& src, torch::Tensor& dst, int64_t first_row) {
  if (!coarseAndFineMatch(src, dst) || first_row < 0 || first_row + dst.size(2) > 2 * src.size(2)) return false;
  const bool three_d = src.dim() == 5;
  if (!src.is_contiguous(layers::channelsLastFormat(src))) return false;
  const int64_t n = src.size(0), c = src.size(1);
  const int64_t d_in = three_d ? src.size(2) : 1, h_in = src.size(-2), w_in = src.size(-1);
  const int64_t voxel = layers::channelSliceVoxelStride(dst);  // a channel slice of a channels-last tensor
  if (voxel == 0) return false;
  if (src.numel() == 0) return true;

  RECORD_FUNCTION("aunet::linear_upsample_2x_into", std::vector<c10::IValue>());  // named in profiles
  const Layout s{src.stride(0), three_d ? src.stride(2) : 0, src.stride(-2), src.stride(-1)};
  const Layout d{dst.stride(0), three_d ? dst.stride(2) : 0, dst.stride(-2), voxel};
  // Output rows run over dst; taps use their index in the whole upsampling (z in 3D, y in 2D).
  const int64_t d_out = three_d ? dst.size(2) : 1, h_out = three_d ? 2 * h_in : dst.size(2);
  const int64_t z_first = three_d ? first_row : 0, y_first = three_d ? 0 : first_row;
  auto run = [&](const auto* in, auto* out) {
    at::parallel_for(0, n * d_out * h_out, 1, [&](int64_t first, int64_t last) {
      std::vector<float> row(static_cast<size_t>(w_in * c));
      for (int64_t r = first; r < last; ++r) {
        const int64_t oy = r % h_out, oz = (r / h_out) % d_out, b = r / (h_out * d_out);
        const Taps tz = three_d ? taps(z_first + oz, d_in) : Taps{0, 0};
        upsampleRow(in + b * s.batch, s, w_in, c, tz, taps(y_first + oy, h_in), three_d, row.data(),
                    out + b * d.batch + oz * d.z + oy * d.y, d.x);
      }
    });
  };
  forValueType(src.scalar_type(), [&](auto type) {
    using T = decltype(type);
    run(tensorValues<T>(src), tensorValues<T>(dst));
  });
  return true;
}

}  // namespace aunet::model
