#include "model/InstanceNormKernels.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace aunet::model::kernels {

namespace {

constexpr int64_t kBlock = 4096;  // values summed in float before they join a double

// Per channel sums over a block of voxels, one pair of accumulators per channel.
// `terms(v, a, b)` adds voxel v's contributions to a[c] and b[c] for every channel c.
template <typename Terms>
void blockSums(int64_t first_voxel, int64_t end_voxel, int64_t channels, float* a, float* b, Terms terms) {
  std::fill(a, a + channels, 0.0f);
  std::fill(b, b + channels, 0.0f);
  for (int64_t v = first_voxel; v < end_voxel; ++v) terms(v, a, b);
}

struct PlaneStats {
  double a = 0.0, b = 0.0;
};

// Sums of f(i) -> (a, b) over i < n, 8 float lanes per block, blocks in double.
template <typename Terms>
PlaneStats planeSums(int64_t n, Terms terms) {
  PlaneStats out;
  for (int64_t start = 0; start < n; start += kBlock) {
    const int64_t end = std::min(n, start + kBlock);
    float a[8] = {}, b[8] = {};
    int64_t i = start;
    for (; i + 8 <= end; i += 8)
      for (int j = 0; j < 8; ++j) terms(i + j, a[j], b[j]);
    for (; i < end; ++i) terms(i, a[0], b[0]);
    for (int j = 0; j < 8; ++j) {
      out.a += a[j];
      out.b += b[j];
    }
  }
  return out;
}

void meanRstd(double sum, double squares, int64_t voxels, double eps, float& mean, float& rstd) {
  const double m = sum / static_cast<double>(voxels);
  const double variance = std::max(0.0, squares / static_cast<double>(voxels) - m * m);  // biased, as ATen
  mean = static_cast<float>(m);
  rstd = static_cast<float>(1.0 / std::sqrt(variance + eps));
}

// Channels-last per image: block sums of both terms, then the blocks added per channel
// in block order. `terms(voxel, a, b)` accumulates a whole voxel's channels.
template <typename Terms>
void channelsLastSums(int64_t voxels, int64_t channels, std::vector<double>& block_sums, double* a_out, double* b_out,
                      Terms terms) {
  const int64_t block_voxels = std::max<int64_t>(1, kBlock / channels);
  const int64_t blocks = (voxels + block_voxels - 1) / block_voxels;
  block_sums.assign(static_cast<size_t>(blocks * channels * 2), 0.0);
  at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
    std::vector<float> a(static_cast<size_t>(channels)), b(static_cast<size_t>(channels));
    for (int64_t blk = first; blk < last; ++blk) {
      blockSums(blk * block_voxels, std::min(voxels, (blk + 1) * block_voxels), channels, a.data(), b.data(), terms);
      double* out = block_sums.data() + blk * channels * 2;
      for (int64_t c = 0; c < channels; ++c) {
        out[c] = a[c];
        out[channels + c] = b[c];
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

// One channels-last image of the backward pass. Plain loops over a voxel's channels
// with restrict pointers and the ReLU as a template flag, so they vectorize.
struct ChannelsLastGradient {
  const float* x;
  const float* dy;
  int64_t channels;
  const float* mean;
  const float* rstd;
  const float* weight;
  const float* bias;

  // a[c] += dz, b[c] += dz * xh for voxel v.
  template <bool kRelu>
  void sums(int64_t v, float* __restrict a, float* __restrict b) const {
    const float* __restrict p = x + v * channels;
    const float* __restrict g = dy + v * channels;
    const float* __restrict m = mean;
    const float* __restrict r = rstd;
    const float* __restrict w = weight;
    const float* __restrict bi = bias;
    for (int64_t c = 0; c < channels; ++c) {
      const float xh = (p[c] - m[c]) * r[c];
      const float gv = g[c];  // loaded unconditionally: the select below then vectorizes
      const float dz = (!kRelu || w[c] * xh + bi[c] > 0.0f) ? gv : 0.0f;
      a[c] += dz;
      b[c] += dz * xh;
    }
  }

  // dx for voxels [first, end).
  template <bool kRelu>
  void input(int64_t first, int64_t end, const float* __restrict k, const float* __restrict mdz,
             const float* __restrict mdzxh, float* __restrict dx) const {
    const float* __restrict m = mean;
    const float* __restrict r = rstd;
    const float* __restrict w = weight;
    const float* __restrict bi = bias;
    for (int64_t v = first; v < end; ++v) {
      const float* __restrict p = x + v * channels;
      const float* __restrict g = dy + v * channels;
      float* __restrict q = dx + v * channels;
      for (int64_t c = 0; c < channels; ++c) {
        const float xh = (p[c] - m[c]) * r[c];
        const float gv = g[c];  // loaded unconditionally: the select below then vectorizes
        const float dz = (!kRelu || w[c] * xh + bi[c] > 0.0f) ? gv : 0.0f;
        q[c] = k[c] * (dz - mdz[c] - xh * mdzxh[c]);
      }
    }
  }
};

}  // namespace

void instanceNormForward(const NormShape& shape, const float* x, float* y, const float* weight, const float* bias,
                         double eps, bool relu, float* mean, float* rstd) {
  const int64_t channels = shape.channels, voxels = shape.voxels;
  if (shape.layout == Layout::Planes) {
    at::parallel_for(0, shape.images * channels, 1, [&](int64_t first, int64_t last) {
      for (int64_t plane = first; plane < last; ++plane) {
        const float* __restrict p = x + plane * voxels;
        float* __restrict q = y + plane * voxels;
        const PlaneStats s = planeSums(voxels, [p](int64_t i, float& a, float& b) {
          a += p[i];
          b += p[i] * p[i];
        });
        const int64_t c = plane % channels;
        float m = 0.0f, r = 0.0f;
        meanRstd(s.a, s.b, voxels, eps, m, r);
        if (mean) mean[plane] = m;
        if (rstd) rstd[plane] = r;
        const float scale = weight[c] * r, shift = bias[c] - m * scale;
        if (relu)
          for (int64_t i = 0; i < voxels; ++i) q[i] = std::max(0.0f, p[i] * scale + shift);
        else
          for (int64_t i = 0; i < voxels; ++i) q[i] = p[i] * scale + shift;
      }
    });
    return;
  }
  std::vector<double> block_sums, sum(static_cast<size_t>(channels)), squares(static_cast<size_t>(channels));
  std::vector<float> scale(static_cast<size_t>(channels)), shift(static_cast<size_t>(channels));
  for (int64_t n = 0; n < shape.images; ++n) {
    const float* image = x + n * voxels * channels;
    float* out = y + n * voxels * channels;
    channelsLastSums(voxels, channels, block_sums, sum.data(), squares.data(),
                     [image, channels](int64_t v, float* __restrict a, float* __restrict b) {
                       const float* __restrict p = image + v * channels;
                       for (int64_t c = 0; c < channels; ++c) {
                         a[c] += p[c];
                         b[c] += p[c] * p[c];
                       }
                     });
    for (int64_t c = 0; c < channels; ++c) {
      float m = 0.0f, r = 0.0f;
      meanRstd(sum[c], squares[c], voxels, eps, m, r);
      if (mean) mean[n * channels + c] = m;
      if (rstd) rstd[n * channels + c] = r;
      scale[c] = weight[c] * r;
      shift[c] = bias[c] - m * scale[c];
    }
    const float* __restrict sc = scale.data();
    const float* __restrict sh = shift.data();
    forVoxelBlocks(voxels, channels, [&](int64_t first, int64_t end) {
      const float* __restrict p = image + first * channels;
      float* __restrict q = out + first * channels;
      for (int64_t v = first; v < end; ++v, p += channels, q += channels)
        for (int64_t c = 0; c < channels; ++c) {
          const float value = p[c] * sc[c] + sh[c];
          q[c] = relu ? std::max(0.0f, value) : value;
        }
    });
  }
}

void instanceNormBackward(const NormShape& shape, const float* x, const float* dy, float* dx, const float* weight,
                          const float* bias, bool relu, const float* mean, const float* rstd, float* dweight,
                          float* dbias) {
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
    const ChannelsLastGradient grad{x + n * voxels * channels, dy + n * voxels * channels, channels,
                                    mean + n * channels, rstd + n * channels, weight, bias};
    channelsLastSums(voxels, channels, block_sums, sum_dz.data(), sum_dzxh.data(),
                     [&grad, relu](int64_t v, float* a, float* b) {
                       relu ? grad.sums<true>(v, a, b) : grad.sums<false>(v, a, b);
                     });
    for (int64_t c = 0; c < channels; ++c) {
      db[c] += sum_dz[c];
      dw[c] += sum_dzxh[c];
      k[c] = weight[c] * grad.rstd[c];
      mdz[c] = static_cast<float>(sum_dz[c] * inv_voxels);
      mdzxh[c] = static_cast<float>(sum_dzxh[c] * inv_voxels);
    }
    float* out = dx + n * voxels * channels;
    forVoxelBlocks(voxels, channels, [&](int64_t first, int64_t end) {
      relu ? grad.input<true>(first, end, k.data(), mdz.data(), mdzxh.data(), out)
           : grad.input<false>(first, end, k.data(), mdz.data(), mdzxh.data(), out);
    });
  }
  for (int64_t c = 0; c < channels; ++c) {
    dweight[c] = static_cast<float>(dw[c]);
    dbias[c] = static_cast<float>(db[c]);
  }
}

}  // namespace aunet::model::kernels
