#include "model/InstanceNormInPlace.h"

#include <ATen/record_function.h>
#include <c10/core/GradMode.h>
#include <torch/nn/modules/instancenorm.h>

#include <vector>

#include "model/InstanceNormKernels.h"
#include "model/NetworkLayers.h"
#include "model/TensorValues.h"

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

namespace {

// What both entry points need: no autograd, a float32 or bf16 CPU tensor of rank 4 or
// 5, `norm` an affine InstanceNorm of its channels. nullopt otherwise.
std::optional<AffineInstanceNorm> inferenceParameters(const torch::Tensor& x, const torch::nn::AnyModule& norm) {
  if (c10::GradMode::is_enabled()) return std::nullopt;  // autograd needs the modules (InferenceMode turns it off)
  if (!x.defined() || !x.device().is_cpu() || x.dim() < 4 || x.dim() > 5 || x.numel() == 0) return std::nullopt;
  // bf16: bf16 inference (autocast's convolutions)
  if (x.scalar_type() != torch::kBFloat16 && x.scalar_type() != torch::kFloat32) return std::nullopt;
  std::optional<AffineInstanceNorm> params = affineInstanceNorm(norm, x.dim());
  if (!params || params->weight.numel() != x.size(1) || params->bias.numel() != x.size(1)) return std::nullopt;
  return params;
}

void run(const torch::Tensor& x, torch::Tensor& y, const kernels::NormShape& shape, const AffineInstanceNorm& params,
         bool relu) {
  const torch::Tensor w = params.weight.to(torch::kFloat32).contiguous();
  const torch::Tensor b = params.bias.to(torch::kFloat32).contiguous();
  forValueType(x.scalar_type(), [&](auto type) {
    using T = decltype(type);
    kernels::instanceNormForward(shape, tensorValues<T>(x), tensorValues<T>(y), w.data_ptr<float>(),
                                 b.data_ptr<float>(), params.eps, relu, nullptr, nullptr);
  });
}

}  // namespace

bool instanceNormInPlace(torch::Tensor& x, const torch::nn::AnyModule& norm, bool relu) {
  const std::optional<AffineInstanceNorm> params = inferenceParameters(x, norm);
  if (!params) return false;
  // A tensor with one channel or one voxel is both; either order then reads the same.
  const bool planes = x.is_contiguous();
  if (!planes && !x.is_contiguous(layers::channelsLastFormat(x))) return false;
  RECORD_FUNCTION("aunet::instance_norm_in_place", std::vector<c10::IValue>());  // named in profiles
  const int64_t images = x.size(0), channels = x.size(1);
  const kernels::NormShape shape{images, channels, x.numel() / (images * channels),
                                 planes ? kernels::Layout::Planes : kernels::Layout::ChannelsLast};
  run(x, x, shape, *params, relu);
  return true;
}

bool instanceNormInto(const torch::Tensor& x, torch::Tensor& out, const torch::nn::AnyModule& norm, bool relu) {
  const std::optional<AffineInstanceNorm> params = inferenceParameters(x, norm);
  if (!params || !x.is_contiguous(layers::channelsLastFormat(x))) return false;
  if (!out.defined() || !out.device().is_cpu() || out.scalar_type() != x.scalar_type() || out.sizes() != x.sizes())
    return false;
  const int64_t voxel = layers::channelSliceVoxelStride(out), channels = x.size(1);
  if (voxel == 0) return false;
  RECORD_FUNCTION("aunet::instance_norm_into", std::vector<c10::IValue>());  // named in profiles
  const int64_t images = x.size(0);
  kernels::NormShape shape{images, channels, x.numel() / (images * channels), kernels::Layout::ChannelsLast};
  shape.out_voxel_stride = voxel;
  shape.out_image_stride = out.stride(0);
  run(x, out, shape, *params, relu);
  return true;
}

}  // namespace aunet::model
