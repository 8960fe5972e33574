#include "model/ConvBlock.h"

#include <utility>

#include "io/core/Error.h"
#include "model/NetworkLayers.h"

namespace aunet::model {

ConvBlockImpl::ConvBlockImpl(const ConvBlockOptions& options) : options_(options) {
  layers::checkSpatialDims(options_.spatial_dims());
  if (options_.in_channels() < 1 || options_.out_channels() < 1)
    throw core::Error("conv block needs at least 1 input and output channel, got " +
                      std::to_string(options_.in_channels()) + " -> " + std::to_string(options_.out_channels()));
  const int64_t dims = options_.spatial_dims();
  conv1_ = layers::makeConv(dims, options_.in_channels(), options_.out_channels(), 3, 1, 1, false);
  norm1_ = layers::makeNorm(options_.norm(), dims, options_.out_channels());
  conv2_ = layers::makeConv(dims, options_.out_channels(), options_.out_channels(), 3, 1, 1, false);
  norm2_ = layers::makeNorm(options_.norm(), dims, options_.out_channels());
  register_module("conv1", conv1_.ptr());
  register_module("norm1", norm1_.ptr());
  register_module("conv2", conv2_.ptr());
  register_module("norm2", norm2_.ptr());
}

torch::Tensor ConvBlockImpl::forward(torch::Tensor x) { return forward(std::move(x), at::MemoryFormat::Preserve); }

torch::Tensor ConvBlockImpl::forward(torch::Tensor x, at::MemoryFormat layout) {
  // In-place ReLU: the norm's backward does not need its output, so this saves a
  // full-size activation per layer, which matters for 3D patches.
  torch::Tensor y = conv1_.forward(x);
  x = torch::Tensor();  // the decoder's concatenated input is the largest tensor of a pass
  if (layout != at::MemoryFormat::Preserve && !y.is_contiguous(layout)) y = y.contiguous(layout);
  y = layers::normalize(std::move(y), norm1_, true);
  y = conv2_.forward(y);
  y = layers::normalize(std::move(y), norm2_, true);
  return y;
}

}  // namespace aunet::model
