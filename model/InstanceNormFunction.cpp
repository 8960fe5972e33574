#include "model/InstanceNormFunction.h"

#include <ATen/record_function.h>

#include <optional>
#include <vector>

#include "model/InstanceNormInPlace.h"
#include "model/InstanceNormKernels.h"
#include "model/NetworkLayers.h"
#include "model/TensorValues.h"

namespace aunet::model {

namespace {

kernels::NormShape shapeOf(const torch::Tensor& x) {
  const int64_t images = x.size(0), channels = x.size(1);
  return {images, channels, x.numel() / (images * channels), kernels::Layout::ChannelsLast};
}

}  // namespace

torch::Tensor InstanceNormFunction::forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                            const torch::Tensor& weight, const torch::Tensor& bias, double eps,
                                            bool relu) {
  RECORD_FUNCTION("aunet::instance_norm_forward", std::vector<c10::IValue>());  // named in profiles
  const kernels::NormShape shape = shapeOf(x);
  const torch::Tensor w = weight.detach().contiguous(), b = bias.detach().contiguous();
  torch::Tensor y = torch::empty_like(x, x.options(), layers::channelsLastFormat(x));
  const auto floats = x.options().dtype(torch::kFloat32);
  torch::Tensor mean = torch::empty({shape.images, shape.channels}, floats);
  torch::Tensor rstd = torch::empty({shape.images, shape.channels}, floats);
  forValueType(x.scalar_type(), [&](auto type) {
    using T = decltype(type);
    kernels::instanceNormForward(shape, tensorValues<T>(x), tensorValues<T>(y), w.data_ptr<float>(),
                                 b.data_ptr<float>(), eps, relu, mean.data_ptr<float>(), rstd.data_ptr<float>());
  });
  ctx->save_for_backward({x, weight, bias, mean, rstd});
  ctx->saved_data["relu"] = relu;
  return y;
}

torch::autograd::tensor_list InstanceNormFunction::backward(torch::autograd::AutogradContext* ctx,
                                                            torch::autograd::tensor_list grad_outputs) {
  RECORD_FUNCTION("aunet::instance_norm_backward", std::vector<c10::IValue>());  // named in profiles
  const auto saved = ctx->get_saved_variables();
  const torch::Tensor& x = saved[0];
  const torch::Tensor w = saved[1].contiguous(), b = saved[2].contiguous();
  const bool relu = ctx->saved_data["relu"].toBool();
  const torch::Tensor dy = grad_outputs[0].to(x.scalar_type()).contiguous(layers::channelsLastFormat(x));
  const kernels::NormShape shape = shapeOf(x);
  torch::Tensor dx = torch::empty_like(x, x.options(), layers::channelsLastFormat(x));
  torch::Tensor dweight = torch::empty_like(w), dbias = torch::empty_like(b);
  forValueType(x.scalar_type(), [&](auto type) {
    using T = decltype(type);
    kernels::instanceNormBackward(shape, tensorValues<T>(x), tensorValues<T>(dy), tensorValues<T>(dx),
                                  w.data_ptr<float>(), b.data_ptr<float>(), relu, saved[3].data_ptr<float>(),
                                  saved[4].data_ptr<float>(), dweight.data_ptr<float>(), dbias.data_ptr<float>());
  });
  return {dx, dweight, dbias, torch::Tensor(), torch::Tensor()};
}

torch::Tensor channelsLastInstanceNorm(const torch::Tensor& x, const torch::nn::AnyModule& norm, bool relu) {
  if (!x.defined() || !x.device().is_cpu() ||
      (x.scalar_type() != torch::kFloat32 && x.scalar_type() != torch::kBFloat16) || x.dim() < 4 || x.dim() > 5 ||
      x.numel() == 0 || !x.is_contiguous(layers::channelsLastFormat(x)))
    return {};
  const std::optional<AffineInstanceNorm> params = affineInstanceNorm(norm, x.dim());
  if (!params || params->weight.scalar_type() != torch::kFloat32 || params->weight.numel() != x.size(1) ||
      params->bias.numel() != x.size(1))
    return {};
  return InstanceNormFunction::apply(x, params->weight, params->bias, params->eps, relu);
}

}  // namespace aunet::model
