// Mixed precision: the autocast scope switches convolutions to bf16 and restores the
// previous state; the fp16 loss scaler unscales exactly, refuses overflowed
// gradients and halves / grows its scale.

#include <gtest/gtest.h>

#include <limits>

#include <ATen/autocast_mode.h>

#include "core/Error.h"
#include "model/MixedPrecision.h"

namespace aunet::model {
namespace {

TEST(MixedPrecisionTest, ResolvesSettingsPerDevice) {
  EXPECT_EQ(resolveMixedPrecision("auto", torch::kCPU),
            cpuBf16Support() != CpuBf16Support::None ? torch::kBFloat16 : torch::kFloat);
  EXPECT_EQ(resolveMixedPrecision("auto", torch::Device(torch::kCUDA, 0)), torch::kBFloat16);
  EXPECT_EQ(resolveMixedPrecision("off", torch::kCPU), torch::kFloat);
  EXPECT_EQ(resolveMixedPrecision("bf16", torch::kCPU), torch::kBFloat16);
  EXPECT_EQ(resolveMixedPrecision("off", torch::Device(torch::kCUDA, 0)), torch::kFloat);
  EXPECT_EQ(resolveMixedPrecision("fp16", torch::Device(torch::kCUDA, 0)), torch::kHalf);
  EXPECT_THROW(resolveMixedPrecision("fp16", torch::kCPU), core::Error);
}

// "auto" on the CPU: bf16 where the CPU runs bf16 products natively (AVX-512 BF16 or
// AMX, and oneDNN is not capped below them), float32 elsewhere.
TEST(MixedPrecisionTest, InferenceAutoIsBf16OnlyOnCpusWithNativeBf16) {
  EXPECT_EQ(resolveInferencePrecision("auto", torch::kCPU),
            cpuBf16Support() != CpuBf16Support::None ? torch::kBFloat16 : torch::kFloat);
  EXPECT_EQ(resolveInferencePrecision("auto", torch::Device(torch::kCUDA, 0)), torch::kBFloat16);
  EXPECT_EQ(resolveInferencePrecision("off", torch::kCPU), torch::kFloat);
  EXPECT_EQ(resolveInferencePrecision("bf16", torch::kCPU), torch::kBFloat16);
  EXPECT_THROW(resolveInferencePrecision("fp16", torch::kCPU), core::Error);
  EXPECT_THROW(resolveInferencePrecision("half", torch::kCPU), core::Error);
  EXPECT_EQ(resolveMixedPrecision("auto", torch::kCPU), resolveInferencePrecision("auto", torch::kCPU))
      << "training and inference share the policy";
}

TEST(MixedPrecisionTest, Bf16SupportFollowsTheCpuAndOneDnnsIsaCap) {
  using S = CpuBf16Support;
  EXPECT_EQ(bf16SupportFor(false, false, ""), S::None) << "AVX2-only CPU";
  EXPECT_EQ(bf16SupportFor(true, false, ""), S::DotProducts) << "Zen 4, Cooper Lake";
  EXPECT_EQ(bf16SupportFor(true, true, ""), S::MatrixUnits) << "Sapphire Rapids";
  EXPECT_EQ(bf16SupportFor(true, true, "ALL"), S::MatrixUnits);
  EXPECT_EQ(bf16SupportFor(true, false, "default"), S::DotProducts) << "the cap's name is case-insensitive";
  // A cap below the bf16 instructions makes oneDNN emulate bf16: float32 is faster.
  EXPECT_EQ(bf16SupportFor(true, true, "AVX2"), S::None);
  EXPECT_EQ(bf16SupportFor(true, false, "avx512_core"), S::None);
  EXPECT_EQ(bf16SupportFor(true, false, "AVX512_CORE_VNNI"), S::None);
  EXPECT_EQ(bf16SupportFor(true, true, "AVX512_CORE_BF16"), S::DotProducts) << "AMX capped away, dot products kept";
  EXPECT_EQ(bf16SupportFor(true, true, "AVX512_CORE_AMX"), S::MatrixUnits);
  EXPECT_EQ(bf16SupportFor(false, false, "ALL"), S::None) << "a cap never adds instructions";
  EXPECT_EQ(describe(S::DotProducts), "AVX-512 BF16 instructions");
  EXPECT_EQ(describe(S::MatrixUnits), "AMX bf16 tiles");
  EXPECT_EQ(describe(S::None), "none");
}

TEST(MixedPrecisionTest, AutocastScopeRunsConvolutionsInBf16AndRestores) {
  const torch::Tensor x = torch::randn({1, 2, 8, 8}), w = torch::randn({3, 2, 3, 3});
  {
    const AutocastGuard guard(torch::kCPU, torch::kBFloat16);
    EXPECT_TRUE(at::autocast::is_autocast_enabled(torch::kCPU));
    EXPECT_EQ(torch::conv2d(x, w).scalar_type(), torch::kBFloat16);
  }
  EXPECT_FALSE(at::autocast::is_autocast_enabled(torch::kCPU));
  EXPECT_EQ(torch::conv2d(x, w).scalar_type(), torch::kFloat);
  const AutocastGuard none(torch::kCPU, torch::kFloat);
  EXPECT_FALSE(at::autocast::is_autocast_enabled(torch::kCPU));
}

TEST(MixedPrecisionTest, GradientScalerUnscalesSkipsOverflowAndAdaptsItsScale) {
  GradientScaler scaler(true, 1024.0, 2);
  torch::Tensor p = torch::ones({3}, torch::requires_grad());
  scaler.scale((p * torch::tensor({1.0f, 2.0f, 3.0f})).sum()).backward();
  EXPECT_TRUE(torch::allclose(p.grad(), torch::tensor({1024.0f, 2048.0f, 3072.0f})));
  EXPECT_TRUE(scaler.unscale({p}));
  EXPECT_TRUE(torch::allclose(p.grad(), torch::tensor({1.0f, 2.0f, 3.0f})));
  scaler.update(true);
  scaler.update(true);
  EXPECT_EQ(scaler.currentScale(), 2048.0);  // grown after 2 good steps

  p.mutable_grad() = torch::tensor({1.0f, std::numeric_limits<float>::infinity(), 0.0f});
  EXPECT_FALSE(scaler.unscale({p}));
  scaler.update(false);
  EXPECT_EQ(scaler.currentScale(), 1024.0);

  GradientScaler off(false);
  EXPECT_TRUE(torch::equal(off.scale(torch::ones({1})), torch::ones({1})));
  EXPECT_TRUE(off.unscale({p}));  // disabled: never skips
}

}  // namespace
}  // namespace aunet::model
