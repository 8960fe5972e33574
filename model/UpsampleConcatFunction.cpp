#include "model/UpsampleConcatFunction.h"

#include <vector>

#include "core/Error.h"
#include "model/LinearUpsample2x.h"
#include "model/NetworkLayers.h"

namespace aunet::model {

torch::Tensor UpsampleConcatFunction::forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& skip,
                                              const torch::Tensor& coarser) {
  const at::MemoryFormat layout = layers::channelsLastFormat(skip);
  std::vector<int64_t> shape(skip.sizes().begin(), skip.sizes().end());
  shape[1] = skip.size(1) + coarser.size(1);
  torch::Tensor merged = torch::empty(shape, skip.options().memory_format(layout));
  torch::Tensor upper = merged.narrow(1, skip.size(1), coarser.size(1));
  if (!linearUpsample2xInto(coarser, upper))  // upsampleConcatenate checked this
    throw core::Error("upsample-concatenate: the 2x upsampling does not apply to these tensors");
  merged.narrow(1, 0, skip.size(1)).copy_(skip);
  ctx->saved_data["skip_channels"] = skip.size(1);
  ctx->saved_data["coarse_shape"] = coarser.sizes().vec();
  return merged;
}

torch::autograd::tensor_list UpsampleConcatFunction::backward(torch::autograd::AutogradContext* ctx,
                                                              torch::autograd::tensor_list grad_outputs) {
  const int64_t skip_channels = ctx->saved_data["skip_channels"].toInt();
  const std::vector<int64_t> coarse_shape = ctx->saved_data["coarse_shape"].toIntVector();
  torch::Tensor grad = grad_outputs[0];
  grad = grad.contiguous(layers::channelsLastFormat(grad));
  torch::Tensor grad_coarser =
      torch::empty(coarse_shape, grad.options().memory_format(layers::channelsLastFormat(grad)));
  if (!linearUpsample2xBackwardInto(grad.narrow(1, skip_channels, coarse_shape[1]), grad_coarser))
    throw core::Error("upsample-concatenate: the upsampling's gradient kernel does not apply");
  return {grad.narrow(1, 0, skip_channels), grad_coarser};
}

torch::Tensor upsampleConcatenate(const torch::Tensor& skip, const torch::Tensor& coarser) {
  if (!skip.defined() || !coarser.defined() || skip.dim() != coarser.dim() || (skip.dim() != 4 && skip.dim() != 5))
    return {};
  if (!skip.device().is_cpu() || !coarser.device().is_cpu() || skip.scalar_type() != coarser.scalar_type() ||
      (skip.scalar_type() != torch::kFloat32 && skip.scalar_type() != torch::kBFloat16))
    return {};
  if (skip.size(0) != coarser.size(0) || !coarser.is_contiguous(layers::channelsLastFormat(coarser))) return {};
  for (int64_t axis = 2; axis < skip.dim(); ++axis)
    if (skip.size(axis) != 2 * coarser.size(axis)) return {};
  return UpsampleConcatFunction::apply(skip, coarser);
}

}  // namespace aunet::model
