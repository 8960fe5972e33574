#pragma once
// instance_norm(x), optionally followed by ReLU, computed in place in two passes over x
// (statistics, then one scale-shift[-clamp]), for inference. LibTorch runs instance
// norm as a batch norm over N*C channels, allocating its output, makes a channels-last
// input contiguous first, and the ReLU is a third pass: together about 13% of a 3D
// forward pass on the CPU, all memory traffic (docs/performance.md).

#include <torch/nn/modules/container/any.h>
#include <torch/types.h>

#include <optional>

namespace aunet::model {

// Applies `norm` (then ReLU when `relu`) to `x` in place and returns true when the
// fast path applies: no autograd (InferenceMode or NoGradGuard), a float32 or bf16 CPU tensor
// that is contiguous or channels-last contiguous (the layout is kept), and `norm` an
// affine InstanceNorm2d/3d. Otherwise leaves `x` alone and returns false; the caller
// runs the modules.
bool instanceNormInPlace(torch::Tensor& x, const torch::nn::AnyModule& norm, bool relu);

// The same, written into `out` instead of in place: x channels-last contiguous, out of
// x's sizes and type with adjacent channels and voxels at a fixed stride (a channel
// slice of a wider channels-last tensor: the decoder's concatenation, so the gate's
// output needs no copy). x is not changed. false (out untouched) when it does not apply.
bool instanceNormInto(const torch::Tensor& x, torch::Tensor& out, const torch::nn::AnyModule& norm, bool relu);

// The parameters of `norm` when it is an affine InstanceNorm2d (dim 4) or 3d (dim 5).
struct AffineInstanceNorm {
  torch::Tensor weight, bias;
  double eps;
};
std::optional<AffineInstanceNorm> affineInstanceNorm(const torch::nn::AnyModule& norm, int64_t dim);

}  // namespace aunet::model
