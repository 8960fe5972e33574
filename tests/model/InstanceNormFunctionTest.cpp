// model::InstanceNormFunction (channels-last instance norm + ReLU with autograd)
// against LibTorch's modules: outputs and the gradients of input, weight and bias.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>

#include "tests/model/NormTestSupport.h"
#include "model/InstanceNormFunction.h"

namespace aunet::model {
namespace {

TEST(InstanceNormFunction, MatchesTheModuleForwardAndBackward) {
  torch::manual_seed(7);
  for (const int64_t dims : {2, 3})
    for (const int64_t channels : {5, 16})
    for (const bool relu : {false, true}) {
      SCOPED_TRACE(std::to_string(dims) + "D, " + std::to_string(channels) + " channels" + (relu ? ", ReLU" : ""));
      torch::nn::AnyModule norm = test::randomAffineInstanceNorm(dims, channels);
      const torch::Tensor data =
          (dims == 3 ? torch::randn({2, channels, 7, 9, 6}) : torch::randn({3, channels, 19, 13})) * 2.0 + 1.0;
      const torch::Tensor upstream = torch::randn_like(data);
      const auto format = dims == 3 ? at::MemoryFormat::ChannelsLast3d : at::MemoryFormat::ChannelsLast;

      torch::Tensor x_ref = data.clone().requires_grad_();
      torch::Tensor y_ref = norm.forward(x_ref);
      if (relu) y_ref = y_ref.relu();
      (y_ref * upstream).sum().backward();
      std::vector<torch::Tensor> ref_grads;
      for (auto& p : norm.ptr()->parameters()) {
        ref_grads.push_back(p.grad().clone());
        p.mutable_grad().zero_();
      }

      torch::Tensor x = data.contiguous(format).requires_grad_();
      const torch::Tensor y = channelsLastInstanceNorm(x, norm, relu);
      ASSERT_TRUE(y.defined());
      EXPECT_TRUE(y.is_contiguous(format));
      EXPECT_TRUE(torch::allclose(y, y_ref, 1e-4, 1e-5)) << "max difference " << (y - y_ref).abs().max().item<float>();
      (y * upstream).sum().backward();
      EXPECT_TRUE(torch::allclose(x.grad(), x_ref.grad(), 1e-3, 1e-4))
          << "input gradient, max difference " << (x.grad() - x_ref.grad()).abs().max().item<float>();
      const auto params = norm.ptr()->parameters();
      for (size_t i = 0; i < params.size(); ++i)
        EXPECT_TRUE(torch::allclose(params[i].grad(), ref_grads[i], 1e-3, 1e-4))
            << "parameter " << i << " gradient, max difference " << (params[i].grad() - ref_grads[i]).abs().max().item<float>();
    }
}

TEST(InstanceNormFunction, DeclinesAnNcdhwTensorOrAnotherNorm) {
  torch::nn::AnyModule norm(torch::nn::InstanceNorm3d(torch::nn::InstanceNorm3dOptions(4).affine(true)));
  EXPECT_FALSE(channelsLastInstanceNorm(torch::randn({1, 4, 3, 3, 3}), norm, true).defined());
  torch::nn::AnyModule batchNorm(torch::nn::BatchNorm3d(4));
  EXPECT_FALSE(channelsLastInstanceNorm(torch::randn({1, 4, 3, 3, 3}).contiguous(at::MemoryFormat::ChannelsLast3d),
                                        batchNorm, true)
                   .defined());
}

}  // namespace
}  // namespace aunet::model
