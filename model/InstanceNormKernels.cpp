#include "model/InstanceNormKernels.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "model/Bf16Values.h"
#include "model/KernelTargets.h"

namespace aunet::model::kernels {

namespace {

constexpr int64_t kBlock = 4096;  // values summed in float before they join a double

// The hot loops, one function each in a baseline and an AVX2 copy
// (model/KernelTargets.h), for float32 (T = float) and bf16 (T = uint16_t) values; the
// arithmetic is float either way. Each call covers a block of values, so the dispatch
// costs one indirect call per block.

// Planes: sums and sums of squares of p[0, n) in 8 float lanes (a fixed order).
template <typename T>
inline __attribute__((always_inline)) void planeSumsBody(const T* __restrict p, int64_t n, float* __restrict a,
                                                         float* __restrict b) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) {
      const float v = loadValue(p, i + j);
      a[j] += v;
      b[j] += v * v;
    }
  for (; i < n; ++i) {
    const float v = loadValue(p, i);
    a[0] += v;
    b[0] += v * v;
  }
}
AUNET_VECTOR_CLONES void planeSums(const float* p, int64_t n, float* a, float* b) { planeSumsBody(p, n, a, b); }
AUNET_VECTOR_CLONES void planeSums(const uint16_t* p, int64_t n, float* a, float* b) { planeSumsBody(p, n, a, b); }

template <typename T>
inline __attribute__((always_inline)) void planeApplyBody(const T* __restrict p, T* __restrict q, int64_t n,
                                                          float scale, float shift, bool relu) {
  if (relu)
    for (int64_t i = 0; i < n; ++i) storeValue(q, i, std::max(0.0f, loadValue(p, i) * scale + shift));
  else
    for (int64_t i = 0; i < n; ++i) storeValue(q, i, loadValue(p, i) * scale + shift);
}
AUNET_VECTOR_CLONES void planeApply(const float* p, float* q, int64_t n, float scale, float shift, bool relu) {
  planeApplyBody(p, q, n, scale, shift, relu);
}
AUNET_VECTOR_CLONES void planeApply(const uint16_t* p, uint16_t* q, int64_t n, float scale, float shift, bool relu) {
  planeApplyBody(p, q, n, scale, shift, relu);
}

// Channels-last loops run over rows of `row` = reps x channels values (a few voxels'
// channels, at least kRowValues) rather than one voxel at a time: with 16 or 32
// channels a per-voxel loop spends more time in loop overhead than in arithmetic.
constexpr int64_t kRowValues = 64;

int64_t voxelsPerRow(int64_t channels) { return std::max<int64_t>(1, kRowValues / channels); }

// Sums over the n voxels of a block starting at p, per position of a row: a and b hold
// row = voxelsPerRow(channels) * channels accumulators each (zeroed by the caller;
// position r * channels + c belongs to channel c).
template <typename T>
inline __attribute__((always_inline)) void channelSumsBody(const T* __restrict p, int64_t n, int64_t channels,
                                                           float* __restrict a, float* __restrict b) {
  const int64_t reps = voxelsPerRow(channels), row = reps * channels;
  int64_t v = 0;
  for (; v + reps <= n; v += reps, p += row)
    for (int64_t i = 0; i < row; ++i) {
      const float value = loadValue(p, i);
      a[i] += value;
      b[i] += value * value;
    }
  for (; v < n; ++v, p += channels)
    for (int64_t c = 0; c < channels; ++c) {
      const float value = loadValue(p, c);
      a[c] += value;
      b[c] += value * value;
    }
}
AUNET_VECTOR_CLONES void channelSums(const float* p, int64_t n, int64_t channels, float* a, float* b) {
  channelSumsBody(p, n, channels, a, b);
}
AUNET_VECTOR_CLONES void channelSums(const uint16_t* p, int64_t n, int64_t channels, float* a, float* b) {
  channelSumsBody(p, n, channels, a, b);
}

// Channels-last: y = x * sc + sh (then ReLU) per voxel into voxels `stride` elements
// apart (`channels` for a dense tensor, more for a channel slice of a wider one).
template <typename T>
inline __attribute__((always_inline)) void stridedApplyBody(const T* __restrict p, T* __restrict q, int64_t n,
                                                            int64_t channels, int64_t stride,
                                                            const float* __restrict sc, const float* __restrict sh,
                                                            bool relu) {
  for (int64_t v = 0; v < n; ++v, p += channels, q += stride)
    for (int64_t c = 0; c < channels; ++c) {
      const float value = loadValue(p, c) * sc[c] + sh[c];
      storeValue(q, c, relu ? std::max(0.0f, value) : value);
    }
}
AUNET_VECTOR_CLONES void stridedApply(const float* p, float* q, int64_t n, int64_t channels, int64_t stride,
                                      const float* sc, const float* sh, bool relu) {
  stridedApplyBody(p, q, n, channels, stride, sc, sh, relu);
}
AUNET_VECTOR_CLONES void stridedApply(const uint16_t* p, uint16_t* q, int64_t n, int64_t channels, int64_t stride,
                                      const float* sc, const float* sh, bool relu) {
  stridedApplyBody(p, q, n, channels, stride, sc, sh, relu);
}

// sc and sh: a row's worth (voxelsPerRow(channels) * channels) of per-channel factors.
template <typename T>
inline __attribute__((always_inline)) void channelApplyBody(const T* __restrict p, T* __restrict q, int64_t n,
                                                            int64_t channels, const float* __restrict sc,
                                                            const float* __restrict sh, bool relu) {
  const int64_t reps = voxelsPerRow(channels), row = reps * channels;
  int64_t v = 0;
  if (relu)
    for (; v + reps <= n; v += reps, p += row, q += row)
      for (int64_t i = 0; i < row; ++i) storeValue(q, i, std::max(0.0f, loadValue(p, i) * sc[i] + sh[i]));
  else
    for (; v + reps <= n; v += reps, p += row, q += row)
      for (int64_t i = 0; i < row; ++i) storeValue(q, i, loadValue(p, i) * sc[i] + sh[i]);
  stridedApplyBody(p, q, n - v, channels, channels, sc, sh, relu);  // the voxels after the last whole row
}
AUNET_VECTOR_CLONES void channelApply(const float* p, float* q, int64_t n, int64_t channels, const float* sc,
                                      const float* sh, bool relu) {
  channelApplyBody(p, q, n, channels, sc, sh, relu);
}
AUNET_VECTOR_CLONES void channelApply(const uint16_t* p, uint16_t* q, int64_t n, int64_t channels, const float* sc,
                                      const float* sh, bool relu) {
  channelApplyBody(p, q, n, channels, sc, sh, relu);
}


// One channels-last image of the backward pass; T is float, or uint16_t for bf16
// values (bf16 training), whose arithmetic is float.
template <typename T>
struct ChannelsLastGradient {
  const T* x;
  const T* dy;
  int64_t channels;
  const float* mean;
  const float* rstd;
  const float* weight;
  const float* bias;
};

// a[c] += dz, b[c] += dz * xh over voxels [first, end). The ReLU is a template flag
// so the loops vectorize.
template <bool kRelu, typename T>
inline __attribute__((always_inline)) void gradientSumsBody(const ChannelsLastGradient<T>& g, int64_t first,
                                                            int64_t end, float* __restrict a, float* __restrict b) {
  const int64_t channels = g.channels;
  const float* __restrict m = g.mean;
  const float* __restrict r = g.rstd;
  const float* __restrict w = g.weight;
  const float* __restrict bi = g.bias;
  for (int64_t v = first; v < end; ++v) {
    const T* __restrict p = g.x + v * channels;
    const T* __restrict d = g.dy + v * channels;
    for (int64_t c = 0; c < channels; ++c) {
      const float xh = (loadValue(p, c) - m[c]) * r[c];
      const float gv = loadValue(d, c);  // loaded unconditionally: the select below then vectorizes
      const float dz = (!kRelu || w[c] * xh + bi[c] > 0.0f) ? gv : 0.0f;
      a[c] += dz;
      b[c] += dz * xh;
    }
  }
}
AUNET_VECTOR_CLONES void gradientSums(const ChannelsLastGradient<float>& g, int64_t first, int64_t end, bool relu,
                                      float* a, float* b) {
  relu ? gradientSumsBody<true>(g, first, end, a, b) : gradientSumsBody<false>(g, first, end, a, b);
}
AUNET_VECTOR_CLONES void gradientSums(const ChannelsLastGradient<uint16_t>& g, int64_t first, int64_t end, bool relu,
                                      float* a, float* b) {
  relu ? gradientSumsBody<true>(g, first, end, a, b) : gradientSumsBody<false>(g, first, end, a, b);
}

// dx for voxels [first, end).
template <bool kRelu, typename T>
inline __attribute__((always_inline)) void gradientInputBody(const ChannelsLastGradient<T>& g, int64_t first,
                                                             int64_t end, const float* __restrict k,
                                                             const float* __restrict mdz,
                                                             const float* __restrict mdzxh, T* __restrict dx) {
  const int64_t channels = g.channels;
  const float* __restrict m = g.mean;
  const float* __restrict r = g.rstd;
  const float* __restrict w = g.weight;
  const float* __restrict bi = g.bias;
  for (int64_t v = first; v < end; ++v) {
    const T* __restrict p = g.x + v * channels;
    const T* __restrict d = g.dy + v * channels;
    T* __restrict q = dx + v * channels;
    for (int64_t c = 0; c < channels; ++c) {
      const float xh = (loadValue(p, c) - m[c]) * r[c];
      const float gv = loadValue(d, c);  // loaded unconditionally: the select below then vectorizes
      const float dz = (!kRelu || w[c] * xh + bi[c] > 0.0f) ? gv : 0.0f;
      storeValue(q, c, k[c] * (dz - mdz[c] - xh * mdzxh[c]));
    }
  }
}
AUNET_VECTOR_CLONES void gradientInput(const ChannelsLastGradient<float>& g, int64_t first, int64_t end, bool relu,
                                       const float* k, const float* mdz, const float* mdzxh, float* dx) {
  relu ? gradientInputBody<true>(g, first, end, k, mdz, mdzxh, dx)
       : gradientInputBody<false>(g, first, end, k, mdz, mdzxh, dx);
}
AUNET_VECTOR_CLONES void gradientInput(const ChannelsLastGradient<uint16_t>& g, int64_t first, int64_t end, bool relu,
                                       const float* k, const float* mdz, const float* mdzxh, uint16_t* dx) {
  relu ? gradientInputBody<true>(g, first, end, k, mdz, mdzxh, dx)
       : gradientInputBody<false>(g, first, end, k, mdz, mdzxh, dx);
}

void meanRstd(double sum, double squares, int64_t voxels, double eps, float& mean, float& rstd) {
  const double m = sum / static_cast<double>(voxels);
  const double variance = std::max(0.0, squares / static_cast<double>(voxels) - m * m);  // biased, as ATen
  mean = static_cast<float>(m);
  rstd = static_cast<float>(1.0 / std::sqrt(variance + eps));
}

// Channels-last per image: float sums per block of voxels, then the blocks added per
// channel in double, in block order. `block(first, end, a, b)` adds voxels
// [first, end) into a and b (zeroed).
// `slots` accumulators per term (a multiple of channels, slot s belongs to channel
// s % channels) are folded per channel after each block.
template <typename Block>
void channelsLastSums(int64_t voxels, int64_t channels, int64_t slots, std::vector<double>& block_sums, double* a_out,
                      double* b_out, Block block) {
  const int64_t block_voxels = std::max<int64_t>(1, kBlock / channels);
  const int64_t blocks = (voxels + block_voxels - 1) / block_voxels;
  block_sums.assign(static_cast<size_t>(blocks * channels * 2), 0.0);
  at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
    std::vector<float> a(static_cast<size_t>(slots)), b(static_cast<size_t>(slots));
    for (int64_t blk = first; blk < last; ++blk) {
      std::fill(a.begin(), a.end(), 0.0f);
      std::fill(b.begin(), b.end(), 0.0f);
      block(blk * block_voxels, std::min(voxels, (blk + 1) * block_voxels), a.data(), b.data());
      double* out = block_sums.data() + blk * channels * 2;
      for (int64_t s = 0; s < slots; ++s) {
        out[s % channels] += a[s];
        out[channels + s % channels] += b[s];
      }
    }
  });
  for (int64_t c = 0; c < channels; ++c) {
    double sa = 0.0, sb = 0.0;
    for (int64_t blk = 0; blk < blocks; ++blk) {
      sa += block_sums[blk * channels * 2 + c];
      sb += block_sums[blk * channels * 2 + channels + c];
    }
    a_out[c] = sa;
    b_out[c] = sb;
  }
}

// Runs body(first_voxel, end_voxel) over an image's voxels in parallel blocks.
template <typename Body>
void forVoxelBlocks(int64_t voxels, int64_t channels, Body body) {
  const int64_t block_voxels = std::max<int64_t>(1, kBlock / channels);
  const int64_t blocks = (voxels + block_voxels - 1) / block_voxels;
  at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
    body(first * block_voxels, std::min(voxels, last * block_voxels));
  });
}

template <typename T>
void forward(const NormShape& shape, const T* x, T* y, const float* weight, const float* bias, double eps, bool relu,
             float* mean, float* rstd) {
  const int64_t channels = shape.channels, voxels = shape.voxels;
  if (shape.layout == Layout::Planes) {
    at::parallel_for(0, shape.images * channels, 1, [&](int64_t first, int64_t last) {
      for (int64_t plane = first; plane < last; ++plane) {
        const T* p = x + plane * voxels;
        double sum = 0.0, squares = 0.0;
        for (int64_t start = 0; start < voxels; start += kBlock) {
          float a[8] = {}, b[8] = {};
          planeSums(p + start, std::min(kBlock, voxels - start), a, b);
          for (int j = 0; j < 8; ++j) {
            sum += a[j];
            squares += b[j];
          }
        }
        const int64_t c = plane % channels;
        float m = 0.0f, r = 0.0f;
        meanRstd(sum, squares, voxels, eps, m, r);
        if (mean) mean[plane] = m;
        if (rstd) rstd[plane] = r;
        const float scale = weight[c] * r;
        planeApply(p, y + plane * voxels, voxels, scale, bias[c] - m * scale, relu);
      }
    });
    return;
  }
  std::vector<double> block_sums, sum(static_cast<size_t>(channels)), squares(static_cast<size_t>(channels));
  const int64_t row = voxelsPerRow(channels) * channels;
  std::vector<float> scale(static_cast<size_t>(row)), shift(static_cast<size_t>(row));
  const int64_t out_voxel = shape.out_voxel_stride > 0 ? shape.out_voxel_stride : channels;
  const int64_t out_image = shape.out_image_stride > 0 ? shape.out_image_stride : voxels * channels;
  for (int64_t n = 0; n < shape.images; ++n) {
    const T* image = x + n * voxels * channels;
    T* out = y + n * out_image;
    channelsLastSums(voxels, channels, row, block_sums, sum.data(), squares.data(),
                     [image, channels](int64_t first, int64_t end, float* a, float* b) {
                       channelSums(image + first * channels, end - first, channels, a, b);
                     });
    for (int64_t c = 0; c < channels; ++c) {
      float m = 0.0f, r = 0.0f;
      meanRstd(sum[c], squares[c], voxels, eps, m, r);
      if (mean) mean[n * channels + c] = m;
      if (rstd) rstd[n * channels + c] = r;
      scale[c] = weight[c] * r;
      shift[c] = bias[c] - m * scale[c];
    }
    for (int64_t i = channels; i < row; ++i) {
      scale[i] = scale[i % channels];
      shift[i] = shift[i % channels];
    }
    forVoxelBlocks(voxels, channels, [&](int64_t first, int64_t end) {
      if (out_voxel == channels)
        channelApply(image + first * channels, out + first * channels, end - first, channels, scale.data(),
                     shift.data(), relu);
      else
        stridedApply(image + first * channels, out + first * out_voxel, end - first, channels, out_voxel,
                     scale.data(), shift.data(), relu);
    });
  }
}

}  // namespace

void instanceNormForward(const NormShape& shape, const float* x, float* y, const float* weight, const float* bias,
                         double eps, bool relu, float* mean, float* rstd) {
  forward(shape, x, y, weight, bias, eps, relu, mean, rstd);
}

void instanceNormForward(const NormShape& shape, const uint16_t* x, uint16_t* y, const float* weight,
                         const float* bias, double eps, bool relu, float* mean, float* rstd) {
  forward(shape, x, y, weight, bias, eps, relu, mean, rstd);
}

namespace {

template <typename T>
void backward(const NormShape& shape, const T* x, const T* dy, T* dx, const float* weight, const float* bias,
              bool relu, const float* mean, const float* rstd, float* dweight, float* dbias) {
  // With xh = (x - mean) * rstd and dz = dy * [weight * xh + bias > 0] (or dy without
  // the ReLU): dbias = sum dz, dweight = sum dz * xh and
  // dx = weight * rstd * (dz - mean(dz) - xh * mean(dz * xh)), per (image, channel).
  const int64_t channels = shape.channels, voxels = shape.voxels;
  const double inv_voxels = 1.0 / static_cast<double>(voxels);
  std::vector<double> dw(static_cast<size_t>(channels), 0.0), db(static_cast<size_t>(channels), 0.0);
  std::vector<double> block_sums, sum_dz(static_cast<size_t>(channels)), sum_dzxh(static_cast<size_t>(channels));
  std::vector<float> k(static_cast<size_t>(channels)), mdz(static_cast<size_t>(channels)),
      mdzxh(static_cast<size_t>(channels));
  for (int64_t n = 0; n < shape.images; ++n) {
    const ChannelsLastGradient<T> grad{x + n * voxels * channels, dy + n * voxels * channels, channels,
                                    mean + n * channels, rstd + n * channels, weight, bias};
    channelsLastSums(voxels, channels, channels, block_sums, sum_dz.data(), sum_dzxh.data(),
                     [&grad, relu](int64_t first, int64_t end, float* a, float* b) {
                       gradientSums(grad, first, end, relu, a, b);
                     });
    for (int64_t c = 0; c < channels; ++c) {
      db[c] += sum_dz[c];
      dw[c] += sum_dzxh[c];
      k[c] = weight[c] * grad.rstd[c];
      mdz[c] = static_cast<float>(sum_dz[c] * inv_voxels);
      mdzxh[c] = static_cast<float>(sum_dzxh[c] * inv_voxels);
    }
    T* out = dx + n * voxels * channels;
    forVoxelBlocks(voxels, channels, [&](int64_t first, int64_t end) {
      gradientInput(grad, first, end, relu, k.data(), mdz.data(), mdzxh.data(), out);
    });
  }
  for (int64_t c = 0; c < channels; ++c) {
    dweight[c] = static_cast<float>(dw[c]);
    dbias[c] = static_cast<float>(db[c]);
  }
}

}  // namespace

void instanceNormBackward(const NormShape& shape, const float* x, const float* dy, float* dx, const float* weight,
                          const float* bias, bool relu, const float* mean, const float* rstd, float* dweight,
                          float* dbias) {
  backward(shape, x, dy, dx, weight, bias, relu, mean, rstd, dweight, dbias);
}

void instanceNormBackward(const NormShape& shape, const uint16_t* x, const uint16_t* dy, uint16_t* dx,
                          const float* weight, const float* bias, bool relu, const float* mean, const float* rstd,
                          float* dweight, float* dbias) {
  backward(shape, x, dy, dx, weight, bias, relu, mean, rstd, dweight, dbias);
}

}  // namespace aunet::model::kernels
