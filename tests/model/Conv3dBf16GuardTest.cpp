// The guarded Conv3d: the same layer as torch::nn::Conv3d (parameters, names, outputs),
// and under CPU bf16 autocast a finite weight gradient for inputs two voxels deep, where
// oneDNN's bf16 weight gradient sometimes returns NaN (Conv3dBf16Guard.h).

#include <gtest/gtest.h>

#include <ATen/autocast_mode.h>

#include "model/Conv3dBf16Guard.h"
#include "model/MixedPrecision.h"

namespace aunet::model {
namespace {

torch::nn::Conv3dOptions block(int64_t channels) { return torch::nn::Conv3dOptions(channels, channels, 3).padding(1).bias(false); }

TEST(Conv3dBf16GuardTest, IsTorchsConv3dWithTheSameParametersAndOutputs) {
  torch::manual_seed(1);
  Conv3dBf16Guard guarded(torch::nn::Conv3dOptions(4, 6, 3).padding(1).bias(true));
  torch::nn::Conv3d plain(torch::nn::Conv3dOptions(4, 6, 3).padding(1).bias(true));
  const auto names = guarded->named_parameters().keys();
  EXPECT_EQ(names, plain->named_parameters().keys()) << "model files name parameters: they must not change";
  {
    torch::NoGradGuard noGrad;
    plain->weight.copy_(guarded->weight);
    plain->bias.copy_(guarded->bias);
  }
  for (const auto& shape : std::vector<std::vector<int64_t>>{{2, 4, 2, 7, 5}, {1, 4, 5, 6, 7}, {1, 4, 1, 3, 3}}) {
    const torch::Tensor x = torch::randn(shape);
    EXPECT_TRUE(torch::equal(guarded->forward(x), plain->forward(x))) << "float32, depth " << shape[2];
  }
}

TEST(Conv3dBf16GuardTest, TakesFloat32OnlyForTheFailingCase) {
  Conv3dBf16Guard conv(block(8));
  const torch::Tensor depth2 = torch::randn({2, 8, 2, 6, 6}), depth3 = torch::randn({2, 8, 3, 6, 6});
  EXPECT_FALSE(conv->needsFloat32(depth2)) << "float32 without autocast";
  const AutocastGuard autocast(torch::kCPU, torch::kBFloat16);
  EXPECT_TRUE(conv->needsFloat32(depth2));
  EXPECT_FALSE(conv->needsFloat32(depth3));
  EXPECT_EQ(conv->forward(depth2).scalar_type(), torch::kBFloat16) << "hands on what autocast would";
  EXPECT_EQ(conv->forward(depth3).scalar_type(), torch::kBFloat16);
  {
    torch::NoGradGuard noGrad;  // inference: oneDNN's forward is not affected
    EXPECT_FALSE(conv->needsFloat32(depth2));
  }
  Conv3dBf16Guard pointwise(torch::nn::Conv3dOptions(8, 8, 1).bias(false));
  EXPECT_FALSE(pointwise->needsFloat32(depth2)) << "1x1x1 kernels are not affected";
}

// Without the guard this fails at the first pass on an AVX-512 BF16 CPU (torch 2.11): the
// bf16 weight gradient is off by 100 % or more, or NaN. With it every pass is finite and
// matches the float32 gradient.
TEST(Conv3dBf16GuardTest, WeightGradientOfATwoVoxelDeepInputStaysFiniteUnderBf16) {
  torch::manual_seed(7);
  Conv3dBf16Guard conv(block(64));
  const torch::Tensor x = torch::randn({2, 64, 2, 12, 12});
  for (int pass = 0; pass < 40; ++pass) {
    const torch::Tensor upstream = torch::randn({2, 64, 2, 12, 12});
    conv->zero_grad();
    {
      const AutocastGuard autocast(torch::kCPU, torch::kBFloat16);
      (conv->forward(x).to(torch::kFloat) * upstream).sum().backward();
    }
    const torch::Tensor bf16Gradient = conv->weight.grad().clone();
    ASSERT_TRUE(torch::isfinite(bf16Gradient).all().item<bool>()) << "pass " << pass;
    conv->zero_grad();
    (conv->forward(x) * upstream).sum().backward();
    const torch::Tensor reference = conv->weight.grad();
    const double error = (bf16Gradient - reference).abs().max().item<double>();
    EXPECT_LT(error, 0.02 * reference.abs().max().item<double>()) << "pass " << pass;
  }
}

}  // namespace
}  // namespace aunet::model
