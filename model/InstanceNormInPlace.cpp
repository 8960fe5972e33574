#include "model/InstanceNormRelu.h"

#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/nn/modules/instancenorm.h>

#include <algorithm>
#include <cmath>

namespace aunet::model {

namespace {

// Sum and sum of squares of n floats: 8 float lanes per block of 4096 values (which
// the compiler vectorizes), blocks added in double so 96^3 voxels lose no precision.
void sums(const float* p, int64_t n, double& sum, double& squares) {
  constexpr int64_t kBlock = 4096;
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

}  // namespace

bool instanceNormReluInPlace(torch::Tensor& x, const torch::nn::AnyModule& norm) {
  if (c10::GradMode::is_enabled()) return false;  // autograd needs the modules (InferenceMode turns it off)
  if (!x.defined() || !x.device().is_cpu() || x.scalar_type() != torch::kFloat32 || !x.is_contiguous() || x.dim() < 3)
    return false;
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
  const int64_t channels = x.size(1);
  if (weight.numel() != channels || bias.numel() != channels) return false;
  const torch::Tensor w = weight.to(torch::kFloat32).contiguous(), b = bias.to(torch::kFloat32).contiguous();
  const float* wp = w.data_ptr<float>();
  const float* bp = b.data_ptr<float>();
  float* data = x.data_ptr<float>();
  const int64_t planes = x.size(0) * channels;
  const int64_t voxels = x.numel() / std::max<int64_t>(1, planes);
  at::parallel_for(0, planes, 1, [&](int64_t first, int64_t last) {
    for (int64_t plane = first; plane < last; ++plane) {
      float* p = data + plane * voxels;
      double sum = 0.0, squares = 0.0;
      sums(p, voxels, sum, squares);
      const double mean = sum / static_cast<double>(voxels);
      const double variance = std::max(0.0, squares / static_cast<double>(voxels) - mean * mean);  // biased, as ATen
      const int64_t c = plane % channels;
      const auto scale = static_cast<float>(wp[c] / std::sqrt(variance + eps));
      const auto shift = static_cast<float>(bp[c] - mean * scale);
      for (int64_t i = 0; i < voxels; ++i) {
        const float v = p[i] * scale + shift;
        p[i] = v > 0.0f ? v : 0.0f;
      }
    }
  });
  return true;
}

}  // namespace aunet::model
