#include "model/InstanceNormInPlace.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>
#include <torch/nn/modules/instancenorm.h>

#include <vector>

#include "model/InstanceNormKernels.h"
#include "model/NetworkLayers.h"

namespace aunet::model {

std::optional<AffineInstanceNorm> affineInstanceNorm(const torch::nn::AnyModule& norm, int64_t dim) {
  if (auto* n3 = dynamic_cast<torch::nn::InstanceNorm3dImpl*>(norm.ptr().get())) {
    if (dim != 5 || !n3->options.affine()) return std::nullopt;
    return AffineInstanceNorm{n3->weight, n3->bias, n3->options.eps()};
  }
  if (auto* n2 = dynamic_cast<torch::nn::InstanceNorm2dImpl*>(norm.ptr().get())) {
    if (dim != 4 || !n2->options.affine()) return std::nullopt;
    return AffineInstanceNorm{n2->weight, n2->bias, n2->options.eps()};
  }
  return std::nullopt;
}

bool instanceNormInPlace(torch::Tensor& x, const torch::nn::AnyModule& norm, bool relu) {
  if (c10::GradMode::is_enabled()) return false;  // autograd needs the modules (InferenceMode turns it off)
  if (!x.defined() || !x.device().is_cpu() || x.dim() < 4 || x.dim() > 5) return false;
  const bool bf16 = x.scalar_type() == torch::kBFloat16;  // bf16 inference (autocast's convolutions)
  if (!bf16 && x.scalar_type() != torch::kFloat32) return false;
  // A tensor with one channel or one voxel is both; either order then reads the same.
  const bool planes = x.is_contiguous();
  if (!planes && !x.is_contiguous(layers::channelsLastFormat(x))) return false;
  const std::optional<AffineInstanceNorm> params = affineInstanceNorm(norm, x.dim());
  const int64_t images = x.size(0), channels = x.size(1);
  if (!params || params->weight.numel() != channels || params->bias.numel() != channels || x.numel() == 0)
    return false;
  RECORD_FUNCTION("aunet::instance_norm_in_place", std::vector<c10::IValue>());  // named in profiles
  const torch::Tensor w = params->weight.to(torch::kFloat32).contiguous();
  const torch::Tensor b = params->bias.to(torch::kFloat32).contiguous();
  const kernels::NormShape shape{images, channels, x.numel() / (images * channels),
                                 planes ? kernels::Layout::Planes : kernels::Layout::ChannelsLast};
  if (bf16) {
    auto* data = reinterpret_cast<uint16_t*>(x.data_ptr<at::BFloat16>());
    kernels::instanceNormForward(shape, data, data, w.data_ptr<float>(), b.data_ptr<float>(), params->eps, relu,
                                 nullptr, nullptr);
    return true;
  }
  float* data = x.data_ptr<float>();
  kernels::instanceNormForward(shape, data, data, w.data_ptr<float>(), b.data_ptr<float>(), params->eps, relu,
                               nullptr, nullptr);
  return true;
}

}  // namespace aunet::model
