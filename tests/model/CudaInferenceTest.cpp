// The network and the sliding window on a CUDA device against the CPU. Written for the
// lent GPU machines; skipped (with the reason) where LibTorch sees no CUDA device.

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <vector>

#include "model/AttentionUNet.h"
#include "model/CudaBackend.h"
#include "model/MixedPrecision.h"
#include "model/SlidingWindowInferer.h"
#include "tests/model/NormTestSupport.h"

namespace aunet::model {
namespace {

#define AUNET_REQUIRE_CUDA()                                                                       \
  do {                                                                                             \
    if (!torch::cuda::is_available())                                                              \
      GTEST_SKIP() << "no CUDA device (CUDA backend: " << loadCudaBackend().describe() << ")";   \
  } while (0)

AttentionUNet smallNetwork(int64_t dims) {
  return test::evalNetworkWithRandomNorms(AttentionUNetOptions(dims, 1, 3).channels({8, 16, 32, 64}), 11);
}

// float32 on the GPU (cuDNN, NCDHW) computes what the CPU (oneDNN, channels-last) does.
TEST(CudaInferenceTest, Float32ForwardMatchesTheCpu) {
  AUNET_REQUIRE_CUDA();
  for (const int64_t dims : {2, 3}) {
    SCOPED_TRACE(std::to_string(dims) + "D");
    AttentionUNet net = smallNetwork(dims);
    std::vector<int64_t> size{2, 1, 40, 36};
    if (dims == 3) size.push_back(28);
    const torch::Tensor x = torch::randn(size);
    c10::InferenceMode inference;
    const AttentionUNetOutput cpu = net->forward_all(x, true, false);
    net->to(torch::kCUDA);
    const AttentionUNetOutput gpu = net->forward_all(x.to(torch::kCUDA), true, false);
    net->to(torch::kCPU);
    const float scale = cpu.logits.abs().max().item<float>();
    // TF32 may be on for cuDNN convolutions: a relative 1e-2 of the logits' range.
    EXPECT_LT((gpu.logits.cpu() - cpu.logits).abs().max().item<float>(), 1e-2f * scale);
    ASSERT_EQ(gpu.attention.size(), cpu.attention.size());
    for (size_t i = 0; i < cpu.attention.size(); ++i)
      EXPECT_LT((gpu.attention[i].cpu() - cpu.attention[i]).abs().max().item<float>(), 1e-2f) << "map " << i;
  }
}

// bf16 autocast on the GPU (what --precision auto picks there) stays close to float32.
TEST(CudaInferenceTest, Bf16ForwardStaysCloseToFloat) {
  AUNET_REQUIRE_CUDA();
  AttentionUNet net = smallNetwork(3);
  net->to(torch::kCUDA);
  const torch::Tensor x = torch::randn({2, 1, 32, 32, 32}, torch::kCUDA);
  c10::InferenceMode inference;
  const torch::Tensor exact = net->forward(x);
  torch::Tensor half;
  {
    const AutocastGuard autocast(torch::Device(torch::kCUDA), torch::kBFloat16);
    half = net->forward(x);
  }
  EXPECT_EQ(half.scalar_type(), torch::kBFloat16);
  const float scale = exact.abs().max().item<float>();
  EXPECT_LT((half.to(torch::kFloat32) - exact).abs().max().item<float>(), 0.05f * scale);
  const float agree = (half.argmax(1) == exact.argmax(1)).to(torch::kFloat32).mean().item<float>();
  EXPECT_GT(agree, 0.97f);
}

// The whole sliding window on the GPU: blending and the probabilities stay on the device
// and agree with the CPU's.
TEST(CudaInferenceTest, SlidingWindowOnTheDeviceMatchesTheCpu) {
  AUNET_REQUIRE_CUDA();
  AttentionUNet net = smallNetwork(3);
  const torch::Tensor image = torch::randn({1, 50, 45, 40});
  SlidingWindowOptions options;
  options.patchSize = {32, 32, 32};
  options.withAttention = true;
  c10::InferenceMode inference;
  auto predictor = [&](const torch::Tensor& batch) {
    AttentionUNetOutput out = net->forward_all(batch, true, false);
    return PredictorOutput{out.logits, out.attention};
  };
  const SlidingWindowResult cpu = SlidingWindowInferer(options).run(image, predictor);
  net->to(torch::kCUDA);
  const SlidingWindowResult gpu = SlidingWindowInferer(options).run(image.to(torch::kCUDA), predictor);
  net->to(torch::kCPU);
  ASSERT_TRUE(gpu.probabilities.is_cuda());
  EXPECT_EQ(gpu.windows, cpu.windows);
  EXPECT_LT((gpu.probabilities.cpu() - cpu.probabilities).abs().max().item<float>(), 1e-2f);
  const float agree =
      (gpu.probabilities.argmax(0).cpu() == cpu.probabilities.argmax(0)).to(torch::kFloat32).mean().item<float>();
  EXPECT_GT(agree, 0.99f);
  ASSERT_EQ(gpu.attention.size(), cpu.attention.size());
}

}  // namespace
}  // namespace aunet::model
