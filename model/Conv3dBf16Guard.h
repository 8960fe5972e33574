#pragma once

#include <torch/nn/modules/conv.h>

namespace aunet::model {

// A Conv3d whose training step stays finite under CPU bf16 autocast.
//
// oneDNN's bf16 weight gradient of a 3x3x3 convolution over an input exactly two
// voxels deep (first spatial axis) with 16 or more channels is wrong (torch 2.11 on an
// AVX-512 BF16 Zen 4): off by 100 % and more in every call, NaN in about a third of
// them, where depths 1 and 3 are within bf16's rounding (0.4 %). Such inputs are the
// coarse levels of thin-slab patches, e.g. 96 x 96 x 16 at the fourth level: training
// there diverged or learned from garbage. With gradients on, this layer computes such
// inputs in float32 and hands autocast's bf16 on: a few thousand voxels, no measurable
// cost. Measured with tests/model/Conv3dBf16GuardTest and docs/performance.md.
// Everywhere else it is exactly torch::nn::Conv3d (same parameters, same names).
class Conv3dBf16GuardImpl : public torch::nn::Conv3dImpl {
 public:
  using torch::nn::Conv3dImpl::Conv3dImpl;
  torch::Tensor forward(const torch::Tensor& input);

  // Whether `input` meets the failing case: CPU, gradients on, bf16 (autocast or
  // tensor), a kernel deeper than 1 and a depth of exactly 2.
  bool needsFloat32(const torch::Tensor& input) const;
};
TORCH_MODULE(Conv3dBf16Guard);

}  // namespace aunet::model
