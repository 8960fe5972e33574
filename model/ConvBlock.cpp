#include "model/ConvBlock.h"

#include <algorithm>
#include <utility>

#include "core/Error.h"
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
  torch::Tensor y = conv1_.forward(x);
  x = torch::Tensor();  // the decoder's concatenated input is the largest tensor of a pass
  return finish(std::move(y), layout);
}

torch::Tensor ConvBlockImpl::finish(torch::Tensor y, at::MemoryFormat layout) {
  // In-place ReLU: the norm's backward does not need its output, so this saves a
  // full-size activation per layer, which matters for 3D patches.
  if (layout != at::MemoryFormat::Preserve && !y.is_contiguous(layout)) y = y.contiguous(layout);
  y = layers::normalize(std::move(y), norm1_, true);
  y = conv2_.forward(y);
  y = layers::normalize(std::move(y), norm2_, true);
  return y;
}

torch::Tensor ConvBlockImpl::forward_in_slabs(const std::function<torch::Tensor(int64_t, int64_t)>& rows,
                                              int64_t depth, int64_t slab, at::MemoryFormat layout) {
  if (depth < 1 || slab < 1) throw core::Error("conv block: slabs need a positive depth and slab size");
  const auto parameters = conv1_.ptr()->named_parameters(false);
  const torch::Tensor weight = parameters["weight"];
  const torch::Tensor* bias_ptr = parameters.find("bias");
  const torch::Tensor bias = bias_ptr != nullptr ? *bias_ptr : torch::Tensor();
  const bool three_d = options_.spatial_dims() == 3;
  // Each slab carries its one-row halo (zero rows at the volume's ends), so along the
  // slab axis the kernel needs no padding; the other axes keep the block's padding of 1.
  const std::vector<int64_t> padding = three_d ? std::vector<int64_t>{0, 1, 1} : std::vector<int64_t>{0, 1};
  torch::Tensor y;
  for (int64_t first = 0; first < depth; first += slab) {
    const int64_t count = std::min(slab, depth - first);
    torch::Tensor part = rows(first - 1, first + count + 1);
    part = three_d ? torch::conv3d(part, weight, bias, 1, padding) : torch::conv2d(part, weight, bias, 1, padding);
    if (!y.defined()) {
      std::vector<int64_t> shape(part.sizes().begin(), part.sizes().end());
      shape[2] = depth;
      const auto format = layout == at::MemoryFormat::Preserve ? at::MemoryFormat::Contiguous : layout;
      y = torch::empty(shape, part.options().memory_format(format));
    }
    y.narrow(2, first, count).copy_(part);
  }
  return finish(std::move(y), layout);
}

}  // namespace aunet::model
