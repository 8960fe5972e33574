#pragma once
// Additive grid attention gate of Oktay et al. 2018 ("Attention U-Net", the
// 'concatenation' mode of their GridAttentionBlock):
//   theta = Conv_k2s2(x)                      (no bias, -> inter channels, half size)
//   phi   = resample(Conv_1x1(g), size(theta)) (bias)
//   alpha = resample(sigmoid(psi(ReLU(theta + phi))), size(x))
//   y     = Norm(Conv_1x1(alpha * x))
// The gate lets the coarser gating signal g suppress skip features of x that are
// irrelevant for the current class; alpha is the attention map shown to users.

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "model/Normalization.h"

namespace aunet::model {

struct AttentionGateOptions {
  AttentionGateOptions(int64_t spatial_dims, int64_t in_channels, int64_t gating_channels)
      : spatial_dims_(spatial_dims),
        in_channels_(in_channels),
        gating_channels_(gating_channels),
        inter_channels_(std::max<int64_t>(1, in_channels / 2)) {}

  TORCH_ARG(int64_t, spatial_dims);     // 2 or 3
  TORCH_ARG(int64_t, in_channels);      // channels of the skip features x
  TORCH_ARG(int64_t, gating_channels);  // channels of the gating signal g
  TORCH_ARG(int64_t, inter_channels);   // width of the additive attention, default in/2
  TORCH_ARG(Normalization, norm) = Normalization::Batch;
};

// Submodules: "theta", "phi", "psi", "W_conv", "W_norm".
class AttentionGateImpl : public torch::nn::Module {
 public:
  explicit AttentionGateImpl(const AttentionGateOptions& options);

  // x: [N, in, *S] skip features (any S >= 1); g: [N, gating, *G] gating signal (any G).
  // Returns {y [N, in, *S], alpha [N, 1, *S] in [0, 1]}.
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x, const torch::Tensor& g);

  // forward() without the last step: {Conv_1x1(alpha * x), alpha}; y is then
  // output_norm() of the first. The decoder normalizes it straight into its
  // concatenation buffer.
  std::pair<torch::Tensor, torch::Tensor> forward_unnormalized(const torch::Tensor& x, const torch::Tensor& g);
  torch::nn::AnyModule& output_norm() { return W_norm_; }

  const AttentionGateOptions& options() const { return options_; }

 private:
  AttentionGateOptions options_;
  torch::nn::AnyModule theta_, phi_, psi_, W_conv_, W_norm_;
};

TORCH_MODULE(AttentionGate);

}  // namespace aunet::model
