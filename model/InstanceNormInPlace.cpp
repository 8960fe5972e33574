#include "model/InstanceNormInPlace.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <c10/core/GradMode.h>
#include <torch/nn/modules/instancenorm.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace aunet::model {

namespace {

constexpr int64_t kBlock = 4096;  // values summed in float before they join a double

// Sum and sum of squares of n floats: 8 float lanes per block of kBlock values (which
// the compiler vectorizes), blocks added in double so 96^3 voxels lose no precision.
void sums(const float* p, int64_t n, double& sum, double& squares) {
  sum = 0.0;
  squares = 0.0;
  for (int64_t start = 0; start < n; start += kBlock) {
    const int64_t end = std::min(n, start + kBlock);
    float s[8] = {}, q[8] = {};
    int64_t i = start;
    for (; i + 8 <= end; i += 8)
      for (int j = 0; j < 8; ++j) {
        s[j] += p[i + j];
        q[j] += p[i + j] * p[i + j];
      }
    for (; i < end; ++i) {
      s[0] += p[i];
      q[0] += p[i] * p[i];
    }
    for (int j = 0; j < 8; ++j) {
      sum += s[j];
      squares += q[j];
    }
  }
}

// scale/shift of one (image, channel) plane from its sums: y = x * scale + shift.
void scaleShift(double sum, double squares, int64_t voxels, float weight, float bias, double eps, float& scale,
                float& shift) {
  const double mean = sum / static_cast<double>(voxels);
  const double variance = std::max(0.0, squares / static_cast<double>(voxels) - mean * mean);  // biased, as ATen
  scale = static_cast<float>(weight / std::sqrt(variance + eps));
  shift = static_cast<float>(bias - mean * scale);
}

template <bool kRelu>
void applyPlane(float* p, int64_t n, float scale, float shift) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = p[i] * scale + shift;
    p[i] = kRelu ? (v > 0.0f ? v : 0.0f) : v;
  }
}

// One run of `channels` values per voxel: channel c of voxel v is p[v * channels + c].
template <bool kRelu>
void applyVoxels(float* __restrict p, int64_t voxels, int64_t channels, const float* __restrict scale,
                 const float* __restrict shift) {
  for (int64_t v = 0; v < voxels; ++v, p += channels)
    for (int64_t c = 0; c < channels; ++c) {
      const float y = p[c] * scale[c] + shift[c];
      p[c] = kRelu ? (y > 0.0f ? y : 0.0f) : y;
    }
}

// [N, C, *S] in NCHW/NCDHW order: every (image, channel) plane is contiguous.
void normalizePlanes(float* data, int64_t images, int64_t channels, int64_t voxels, const float* weight,
                     const float* bias, double eps, bool relu) {
  at::parallel_for(0, images * channels, 1, [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      float* p = data + plane * voxels;
      double sum = 0.0, squares = 0.0;
      sums(p, voxels, sum, squares);
      const int64_t c = plane % channels;
      float scale = 0.0f, shift = 0.0f;
      scaleShift(sum, squares, voxels, weight[c], bias[c], eps, scale, shift);
      relu ? applyPlane<true>(p, voxels, scale, shift) : applyPlane<false>(p, voxels, scale, shift);
    }
  });
}

// [N, C, *S] channels-last: each image is voxels x channels, channels innermost. The
// statistics are summed per block of voxels (in float, vectorized over channels) and
// the blocks in double, in a fixed order, so the result does not depend on threads.
void normalizeChannelsLast(float* data, int64_t images, int64_t channels, int64_t voxels, const float* weight,
                           const float* bias, double eps, bool relu) {
  const int64_t block_voxels = std::max<int64_t>(1, kBlock / channels);
  const int64_t blocks = (voxels + block_voxels - 1) / block_voxels;
  std::vector<float> scale(static_cast<size_t>(channels)), shift(static_cast<size_t>(channels));
  std::vector<double> block_sums(static_cast<size_t>(blocks * channels * 2));
  for (int64_t n = 0; n < images; ++n) {
    float* image = data + n * voxels * channels;
    at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
      std::vector<float> s(static_cast<size_t>(channels)), q(static_cast<size_t>(channels));
      for (int64_t b = first; b < last; ++b) {
        std::fill(s.begin(), s.end(), 0.0f);
        std::fill(q.begin(), q.end(), 0.0f);
        float* __restrict sp = s.data();
        float* __restrict qp = q.data();
        const int64_t end = std::min(voxels, (b + 1) * block_voxels);
        for (int64_t v = b * block_voxels; v < end; ++v) {
          const float* __restrict p = image + v * channels;
          for (int64_t c = 0; c < channels; ++c) {
            sp[c] += p[c];
            qp[c] += p[c] * p[c];
          }
        }
        double* out = block_sums.data() + b * channels * 2;
        for (int64_t c = 0; c < channels; ++c) {
          out[c] = s[c];
          out[channels + c] = q[c];
        }
      }
    });
    for (int64_t c = 0; c < channels; ++c) {
      double sum = 0.0, squares = 0.0;
      for (int64_t b = 0; b < blocks; ++b) {
        sum += block_sums[b * channels * 2 + c];
        squares += block_sums[b * channels * 2 + channels + c];
      }
      scaleShift(sum, squares, voxels, weight[c], bias[c], eps, scale[c], shift[c]);
    }
    at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
      const int64_t begin = first * block_voxels, end = std::min(voxels, last * block_voxels);
      float* p = image + begin * channels;
      relu ? applyVoxels<true>(p, end - begin, channels, scale.data(), shift.data())
           : applyVoxels<false>(p, end - begin, channels, scale.data(), shift.data());
    });
  }
}

}  // namespace

bool instanceNormInPlace(torch::Tensor& x, const torch::nn::AnyModule& norm, bool relu) {
  if (c10::GradMode::is_enabled()) return false;  // autograd needs the modules (InferenceMode turns it off)
  if (!x.defined() || !x.device().is_cpu() || x.scalar_type() != torch::kFloat32 || x.dim() < 4 || x.dim() > 5)
    return false;
  const auto channels_last = x.dim() == 5 ? at::MemoryFormat::ChannelsLast3d : at::MemoryFormat::ChannelsLast;
  // A tensor with one channel or one voxel is both; either order then reads the same.
  const bool planes = x.is_contiguous();
  if (!planes && !x.is_contiguous(channels_last)) return false;
  torch::Tensor weight, bias;
  double eps = 0.0;
  if (auto* n3 = dynamic_cast<torch::nn::InstanceNorm3dImpl*>(norm.ptr().get())) {
    if (x.dim() != 5 || !n3->options.affine()) return false;
    weight = n3->weight;
    bias = n3->bias;
    eps = n3->options.eps();
  } else if (auto* n2 = dynamic_cast<torch::nn::InstanceNorm2dImpl*>(norm.ptr().get())) {
    if (x.dim() != 4 || !n2->options.affine()) return false;
    weight = n2->weight;
    bias = n2->bias;
    eps = n2->options.eps();
  } else {
    return false;
  }
  const int64_t images = x.size(0), channels = x.size(1);
  if (weight.numel() != channels || bias.numel() != channels || x.numel() == 0) return false;
  RECORD_FUNCTION("aunet::instance_norm_in_place", std::vector<c10::IValue>());  // named in profiles
  const torch::Tensor w = weight.to(torch::kFloat32).contiguous(), b = bias.to(torch::kFloat32).contiguous();
  const int64_t voxels = x.numel() / (images * channels);
  if (planes)
    normalizePlanes(x.data_ptr<float>(), images, channels, voxels, w.data_ptr<float>(), b.data_ptr<float>(), eps, relu);
  else
    normalizeChannelsLast(x.data_ptr<float>(), images, channels, voxels, w.data_ptr<float>(), b.data_ptr<float>(), eps,
                          relu);
  return true;
}

}  // namespace aunet::model
