#pragma once
// Shared by the tests of aunet's 2x upsampling kernels and the functions built on them:
// the channels-last format of a rank, and LibTorch's own 2x interpolation as reference.

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace aunet::model::test {

inline at::MemoryFormat channelsLast(int64_t dim) {
  return dim == 5 ? at::MemoryFormat::ChannelsLast3d : at::MemoryFormat::ChannelsLast;
}

// interpolate(x, 2x size, bilinear/trilinear, align_corners=false), NC* contiguous.
inline torch::Tensor interpolate2x(const torch::Tensor& x) {
  namespace F = torch::nn::functional;
  std::vector<int64_t> size;
  for (int64_t axis = 2; axis < x.dim(); ++axis) size.push_back(2 * x.size(axis));
  auto options = F::InterpolateFuncOptions().size(size).align_corners(false);
  if (x.dim() == 5)
    options.mode(torch::kTrilinear);
  else
    options.mode(torch::kBilinear);
  return F::interpolate(x.contiguous(), options);
}

}  // namespace aunet::model::test
