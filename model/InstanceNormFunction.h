#pragma once
// Instance norm (+ ReLU) with autograd for channels-last float32 or bf16 CPU tensors
// (bf16: autocast training; statistics and arithmetic in float), so the
// network can train channels-last: LibTorch's instance_norm makes a channels-last
// input contiguous and returns a contiguous result, a layout round trip per layer
// that costs more than the convolutions gain (docs/performance.md). Forward and
// backward run model/InstanceNormKernels; the saved tensors are those LibTorch's
// batch norm + in-place ReLU keep (the input; the output belongs to the next layer).

#include <torch/autograd.h>
#include <torch/nn/modules/container/any.h>
#include <torch/types.h>

namespace aunet::model {

class InstanceNormFunction : public torch::autograd::Function<InstanceNormFunction> {
 public:
  // x: channels-last contiguous [N, C, *S] float32 or bf16 CPU; weight, bias: [C] float32.
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias, double eps, bool relu);
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grad_outputs);
};

// `norm` (then ReLU when `relu`) applied to x through InstanceNormFunction when x is a
// channels-last float32 or bf16 CPU tensor and `norm` an affine InstanceNorm2d/3d; otherwise
// an undefined tensor, and the caller runs the module.
torch::Tensor channelsLastInstanceNorm(const torch::Tensor& x, const torch::nn::AnyModule& norm, bool relu);

}  // namespace aunet::model
