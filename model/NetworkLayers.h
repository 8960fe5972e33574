#pragma once
// Small factories shared by the network modules: the same layer exists as a 2D and a
// 3D class in LibTorch, so the modules hold them type-erased (AnyModule) and pick the
// class by spatial_dims here, in one place. Header-only to avoid another Torch TU.

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/instancenorm.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/Error.h"
#include "model/Conv3dBf16Guard.h"
#include "model/InstanceNormFunction.h"
#include "model/InstanceNormInPlace.h"
#include "model/Normalization.h"

namespace aunet::model::layers {

inline void checkSpatialDims(int64_t spatial_dims) {
  if (spatial_dims != 2 && spatial_dims != 3)
    throw core::Error("spatial_dims must be 2 or 3, got " + std::to_string(spatial_dims));
}

// Conv2d/Conv3d with a cubic kernel, stride and zero padding.
inline torch::nn::AnyModule makeConv(int64_t spatial_dims, int64_t in_channels, int64_t out_channels,
                                     int64_t kernel, int64_t stride, int64_t padding, bool bias) {
  checkSpatialDims(spatial_dims);
  if (spatial_dims == 2)
    return torch::nn::AnyModule(torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in_channels, out_channels, kernel).stride(stride).padding(padding).bias(bias)));
  return torch::nn::AnyModule(Conv3dBf16Guard(
      torch::nn::Conv3dOptions(in_channels, out_channels, kernel).stride(stride).padding(padding).bias(bias)));
}

// Batch norm keeps running statistics for eval; instance norm normalizes each sample
// on its own (affine, no running statistics), so train and eval behave the same.
inline torch::nn::AnyModule makeNorm(Normalization norm, int64_t spatial_dims, int64_t channels) {
  checkSpatialDims(spatial_dims);
  if (norm == Normalization::Batch) {
    if (spatial_dims == 2) return torch::nn::AnyModule(torch::nn::BatchNorm2d(channels));
    return torch::nn::AnyModule(torch::nn::BatchNorm3d(channels));
  }
  if (spatial_dims == 2)
    return torch::nn::AnyModule(torch::nn::InstanceNorm2d(
        torch::nn::InstanceNorm2dOptions(channels).affine(true).track_running_stats(false)));
  return torch::nn::AnyModule(torch::nn::InstanceNorm3d(
      torch::nn::InstanceNorm3dOptions(channels).affine(true).track_running_stats(false)));
}

// `norm` then, when `relu`, ReLU, by the fastest path that applies: in place without
// autograd, aunet's channels-last autograd function when training channels-last,
// else LibTorch's module and an in-place ReLU.
inline torch::Tensor normalize(torch::Tensor x, torch::nn::AnyModule& norm, bool relu) {
  if (instanceNormInPlace(x, norm, relu)) return x;
  if (x.defined() && !x.is_contiguous()) {
    torch::Tensor y = channelsLastInstanceNorm(x, norm, relu);
    if (y.defined()) return y;
  }
  x = norm.forward(x);
  return relu ? x.relu_() : x;
}

// normalize(x, norm, relu) written into `out` (x's shape; e.g. a channel slice of a
// concatenation): straight from aunet's kernel when it applies, else computed and copied.
inline void normalizeInto(torch::Tensor x, torch::Tensor& out, torch::nn::AnyModule& norm, bool relu) {
  if (instanceNormInto(x, out, norm, relu)) return;
  out.copy_(normalize(std::move(x), norm, relu));
}

// The channels-last memory format of a 4-D or 5-D tensor.
inline at::MemoryFormat channelsLastFormat(const torch::Tensor& x) {
  return x.dim() == 5 ? at::MemoryFormat::ChannelsLast3d : at::MemoryFormat::ChannelsLast;
}

// The element stride between adjacent voxels of a 4-D or 5-D tensor whose channels are
// adjacent and whose rows and slices are dense in voxels: a channels-last tensor, or a
// narrow(1, ...) of one (a channel slice of the decoder's concatenation). 0 otherwise.
inline int64_t channelSliceVoxelStride(const torch::Tensor& t) {
  if (!t.defined() || (t.dim() != 4 && t.dim() != 5)) return 0;
  const int64_t voxel = t.stride(-1);
  if (t.stride(1) != 1 || voxel < t.size(1) || t.stride(-2) != voxel * t.size(-1) ||
      (t.dim() == 5 && t.stride(2) != t.stride(-2) * t.size(-2)))
    return 0;
  return voxel;
}

// Spatial sizes of an N,C,* tensor.
inline std::vector<int64_t> spatialSize(const torch::Tensor& x) {
  return std::vector<int64_t>(x.sizes().begin() + 2, x.sizes().end());
}

// Bilinear/trilinear resampling to an explicit size (never a scale factor, so odd
// sizes land exactly), align_corners=false as in Oktay et al. To its own size it is
// the identity (the gates' phi is usually at theta's size already): no pass then.
inline torch::Tensor resizeLinear(const torch::Tensor& x, const std::vector<int64_t>& size) {
  namespace F = torch::nn::functional;
  if (x.dim() >= 3 && std::equal(size.begin(), size.end(), x.sizes().begin() + 2, x.sizes().end())) return x;
  auto options = F::InterpolateFuncOptions().size(size).align_corners(false);
  if (x.dim() == 4) return F::interpolate(x, options.mode(torch::kBilinear));
  if (x.dim() == 5) return F::interpolate(x, options.mode(torch::kTrilinear));
  throw core::Error("linear resampling expects a 4-D or 5-D tensor, got " + std::to_string(x.dim()) + "-D");
}

}  // namespace aunet::model::layers
