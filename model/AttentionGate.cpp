#include "model/AttentionGate.h"

#include <c10/core/GradMode.h>

#include <string>
#include <utility>

#include "core/Error.h"
#include "model/NetworkLayers.h"

namespace aunet::model {

AttentionGateImpl::AttentionGateImpl(const AttentionGateOptions& options) : options_(options) {
  layers::checkSpatialDims(options_.spatial_dims());
  if (options_.in_channels() < 1 || options_.gating_channels() < 1 || options_.inter_channels() < 1)
    throw core::Error("attention gate needs at least 1 channel everywhere, got in=" +
                      std::to_string(options_.in_channels()) + " gating=" +
                      std::to_string(options_.gating_channels()) + " inter=" +
                      std::to_string(options_.inter_channels()));
  const int64_t dims = options_.spatial_dims();
  const int64_t in = options_.in_channels();
  const int64_t inter = options_.inter_channels();
  // theta brings x to the gating signal's (half) resolution; no bias because phi's
  // bias already provides the offset of the sum.
  theta_ = layers::makeConv(dims, in, inter, 2, 2, 0, false);
  phi_ = layers::makeConv(dims, options_.gating_channels(), inter, 1, 1, 0, true);
  psi_ = layers::makeConv(dims, inter, 1, 1, 1, 0, true);
  W_conv_ = layers::makeConv(dims, in, in, 1, 1, 0, true);
  W_norm_ = layers::makeNorm(options_.norm(), dims, in);
  register_module("theta", theta_.ptr());
  register_module("phi", phi_.ptr());
  register_module("psi", psi_.ptr());
  register_module("W_conv", W_conv_.ptr());
  register_module("W_norm", W_norm_.ptr());
}

std::pair<torch::Tensor, torch::Tensor> AttentionGateImpl::forward(const torch::Tensor& x,
                                                                   const torch::Tensor& g) {
  auto [y, alpha] = forward_unnormalized(x, g);
  return {layers::normalize(std::move(y), W_norm_, false), alpha};
}

std::pair<torch::Tensor, torch::Tensor> AttentionGateImpl::forward_unnormalized(const torch::Tensor& x,
                                                                                const torch::Tensor& g) {
  const int64_t expected_dim = options_.spatial_dims() + 2;
  if (x.dim() != expected_dim || g.dim() != expected_dim)
    throw core::Error("attention gate expects " + std::to_string(expected_dim) + "-D x and g, got " +
                      std::to_string(x.dim()) + "-D and " + std::to_string(g.dim()) + "-D");
  if (x.size(1) != options_.in_channels() || g.size(1) != options_.gating_channels())
    throw core::Error("attention gate expects " + std::to_string(options_.in_channels()) + " x and " +
                      std::to_string(options_.gating_channels()) + " g channel(s), got " +
                      std::to_string(x.size(1)) + " and " + std::to_string(g.size(1)));
  if (x.size(0) != g.size(0))
    throw core::Error("attention gate got batch sizes " + std::to_string(x.size(0)) + " (x) and " +
                      std::to_string(g.size(0)) + " (g)");

  // theta's 2x2[x2] stride-2 kernel needs two voxels per axis; odd sizes floor.
  for (int64_t axis = 2; axis < x.dim(); ++axis)
    if (x.size(axis) < 2)
      throw core::Error("attention gate needs skip features of at least 2 voxels per axis, got " +
                        std::to_string(x.size(axis)) + " on axis " + std::to_string(axis - 2));

  // f = ReLU(theta + phi) computed in theta's buffer: the conv's backward needs its
  // input, not its output, and relu_'s backward only its own output.
  torch::Tensor f = theta_.forward(x);
  f.add_(layers::resizeLinear(phi_.forward(g), layers::spatialSize(f))).relu_();
  const torch::Tensor alpha = layers::resizeLinear(torch::sigmoid(psi_.forward(f)), layers::spatialSize(x));
  // In bf16 inference alpha comes back float32 from autocast's resampling: the product
  // stays in x's precision instead of promoting a full-size activation to float32.
  const bool same = alpha.scalar_type() == x.scalar_type() || c10::GradMode::is_enabled();
  torch::Tensor y = W_conv_.forward(x * (same ? alpha : alpha.to(x.scalar_type())));  // x first: x's layout
  return {y, alpha};
}

}  // namespace aunet::model
