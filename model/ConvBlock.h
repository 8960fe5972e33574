#pragma once
// The U-Net's basic unit: (conv 3x3[x3] -> norm -> ReLU) twice. The convs have no bias
// because the norm that follows removes any constant offset anyway.

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <functional>

#include "model/Normalization.h"

namespace aunet::model {

struct ConvBlockOptions {
  ConvBlockOptions(int64_t spatial_dims, int64_t in_channels, int64_t out_channels)
      : spatial_dims_(spatial_dims), in_channels_(in_channels), out_channels_(out_channels) {}

  TORCH_ARG(int64_t, spatial_dims);  // 2 or 3
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  TORCH_ARG(Normalization, norm) = Normalization::Batch;
};

// Submodules: "conv1", "norm1", "conv2", "norm2".
class ConvBlockImpl : public torch::nn::Module {
 public:
  explicit ConvBlockImpl(const ConvBlockOptions& options);

  // [N, in, *S] -> [N, out, *S]. Takes x by value so a caller that moves it in lets
  // inference free it after the first conv (autograd keeps its own reference).
  torch::Tensor forward(torch::Tensor x);
  // The same with every activation in `layout` (the network's channels-last CPU
  // inference: a one-channel input leaves the first conv's output layout ambiguous).
  torch::Tensor forward(torch::Tensor x, at::MemoryFormat layout);

  // Inference on an input that is never held whole (the decoder's largest
  // concatenation): the first convolution runs over slabs of `slab` rows of the first
  // spatial axis, each from `rows(first, last)`, which must return the input's rows
  // [first, last) with zero rows where they lie outside [0, depth). Same result as
  // forward(x, layout) on the whole input.
  torch::Tensor forward_in_slabs(const std::function<torch::Tensor(int64_t, int64_t)>& rows, int64_t depth,
                                 int64_t slab, at::MemoryFormat layout);

  const ConvBlockOptions& options() const { return options_; }

 private:
  // norm1 -> ReLU -> conv2 -> norm2 -> ReLU on the first conv's output.
  torch::Tensor finish(torch::Tensor y, at::MemoryFormat layout);

  ConvBlockOptions options_;
  torch::nn::AnyModule conv1_, norm1_, conv2_, norm2_;
};

TORCH_MODULE(ConvBlock);

}  // namespace aunet::model
