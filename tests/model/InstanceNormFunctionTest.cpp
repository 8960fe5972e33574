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

// bf16 autocast training: on bf16 values the outputs and gradients are those of the
// float path on the same values, each rounded once to bf16 (parameter gradients float).
TEST(InstanceNormFunction, Bf16IsTheFloatPathOnTheSameValuesRoundedOnce) {
  torch::manual_seed(9);
  for (const bool relu : {false, true}) {
    SCOPED_TRACE(relu ? "ReLU" : "no ReLU");
    torch::nn::AnyModule norm = test::randomAffineInstanceNorm(3, 16);
    const auto format = at::MemoryFormat::ChannelsLast3d;
    const torch::Tensor data = (torch::randn({2, 16, 6, 8, 5}) * 2.0 + 1.0).to(torch::kBFloat16).contiguous(format);
    const torch::Tensor upstream = torch::randn(data.sizes()).to(torch::kBFloat16).contiguous(format);

    torch::Tensor xf = data.to(torch::kFloat).contiguous(format).requires_grad_();
    const torch::Tensor yf = channelsLastInstanceNorm(xf, norm, relu);
    (yf * upstream.to(torch::kFloat)).sum().backward();
    std::vector<torch::Tensor> float_grads;
    for (auto& p : norm.ptr()->parameters()) {
      float_grads.push_back(p.grad().clone());
      p.mutable_grad().zero_();
    }

    torch::Tensor xb = data.clone().requires_grad_();
    const torch::Tensor yb = channelsLastInstanceNorm(xb, norm, relu);
    ASSERT_TRUE(yb.defined());
    EXPECT_EQ(yb.scalar_type(), torch::kBFloat16);
    EXPECT_TRUE(yb.is_contiguous(format));
    // One bf16 rounding: within half a unit in the last place (2^-8 relative), plus the
    // float sums' order.
    EXPECT_TRUE(torch::allclose(yb.to(torch::kFloat), yf, 4e-3, 1e-3))
        << "max difference " << (yb.to(torch::kFloat) - yf).abs().max().item<float>();
    yb.backward(upstream);
    EXPECT_EQ(xb.grad().scalar_type(), torch::kBFloat16);
    EXPECT_TRUE(torch::allclose(xb.grad().to(torch::kFloat), xf.grad(), 8e-3, 1e-3))
        << "max difference " << (xb.grad().to(torch::kFloat) - xf.grad()).abs().max().item<float>();
    const auto params = norm.ptr()->parameters();
    for (size_t i = 0; i < params.size(); ++i)
      EXPECT_TRUE(torch::allclose(params[i].grad(), float_grads[i], 1e-3, 1e-3)) << "parameter " << i;
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
