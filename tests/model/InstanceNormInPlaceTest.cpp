// model::instanceNormInPlace against LibTorch's InstanceNorm modules, in NCDHW and
// channels-last layouts, with and without the ReLU, and when it must decline.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "tests/model/NormTestSupport.h"
#include "model/InstanceNormInPlace.h"

namespace aunet::model {
namespace {

using test::randomAffineInstanceNorm;

TEST(InstanceNormInPlace, MatchesTheModuleInBothLayoutsWithAndWithoutRelu) {
  torch::manual_seed(5);
  for (const int64_t dims : {2, 3}) {
    const int64_t channels = 6;
    torch::nn::AnyModule norm = randomAffineInstanceNorm(dims, channels);
    torch::Tensor x = dims == 3 ? torch::randn({2, channels, 9, 17, 11}) : torch::randn({2, channels, 37, 29});
    x = x * 4.0 + 3.0;  // a mean and variance far from 0 and 1
    const torch::Tensor expected = norm.forward(x).detach();
    for (const bool channelsLast : {false, true})
      for (const bool relu : {false, true}) {
        SCOPED_TRACE(std::to_string(dims) + "D, " + (channelsLast ? "channels-last" : "NCDHW") +
                     (relu ? ", ReLU" : ""));
        const auto format = channelsLast ? (dims == 3 ? at::MemoryFormat::ChannelsLast3d : at::MemoryFormat::ChannelsLast)
                                         : at::MemoryFormat::Contiguous;
        torch::Tensor y = x.contiguous(format).clone(format);
        {
          c10::InferenceMode inference;
          ASSERT_TRUE(instanceNormInPlace(y, norm, relu));
        }
        EXPECT_TRUE(y.is_contiguous(format)) << "the layout is kept";
        const torch::Tensor want = relu ? expected.relu() : expected;
        EXPECT_TRUE(torch::allclose(y, want, 1e-4, 1e-5)) << "max difference " << (y - want).abs().max().item<float>();
      }
  }
}

// bf16 inference: statistics and arithmetic in float from the bf16 values, one
// rounding at the end, so the result is the module's float32 output on the same
// values, rounded to bf16 (within a bf16 step where the float sums round apart).
// 6 channels leave a remainder after whole rows of the channels-last loops; 80 fill a
// row with a single voxel.
TEST(InstanceNormInPlace, Bf16MatchesTheFloatModuleRoundedOnce) {
  torch::manual_seed(8);
  for (const int64_t channels : {6, 80})
    for (const int64_t dims : {2, 3}) {
      torch::nn::AnyModule norm = randomAffineInstanceNorm(dims, channels);
      torch::Tensor x = dims == 3 ? torch::randn({2, channels, 9, 17, 11}) : torch::randn({2, channels, 37, 29});
      x = (x * 4.0 + 3.0).to(torch::kBFloat16);
      const torch::Tensor expected = norm.forward(x.to(torch::kFloat32)).detach();
      for (const bool channelsLast : {false, true})
        for (const bool relu : {false, true}) {
          SCOPED_TRACE(std::to_string(dims) + "D, " + std::to_string(channels) + " channels, " +
                       (channelsLast ? "channels-last" : "NCDHW") + (relu ? ", ReLU" : ""));
          const auto format = channelsLast ? (dims == 3 ? at::MemoryFormat::ChannelsLast3d : at::MemoryFormat::ChannelsLast)
                                           : at::MemoryFormat::Contiguous;
          torch::Tensor y = x.contiguous(format).clone(format);
          {
            c10::InferenceMode inference;
            ASSERT_TRUE(instanceNormInPlace(y, norm, relu));
          }
          ASSERT_EQ(y.scalar_type(), torch::kBFloat16);
          EXPECT_TRUE(y.is_contiguous(format)) << "the layout is kept";
          const torch::Tensor want = (relu ? expected.relu() : expected).to(torch::kBFloat16).to(torch::kFloat32);
          const torch::Tensor got = y.to(torch::kFloat32);
          const torch::Tensor step = want.abs() * (1.0 / 128.0) + 1e-3;  // one bf16 step (8 mantissa bits)
          EXPECT_TRUE(((got - want).abs() <= step).all().item<bool>())
              << "max difference " << (got - want).abs().max().item<float>();
          EXPECT_GT((got == want).to(torch::kFloat32).mean().item<float>(), 0.95) << "most values round alike";
        }
    }
}

// Into a channel slice of a wider channels-last tensor (the decoder's concatenation):
// the module's output there, the other channels and x untouched; declined for
// layouts it cannot write.
TEST(InstanceNormInPlace, IntoAChannelSliceMatchesTheModule) {
  torch::manual_seed(9);
  for (const auto type : {torch::kFloat32, torch::kBFloat16})
    for (const int64_t dims : {2, 3}) {
      SCOPED_TRACE(std::to_string(dims) + "D, " + (type == torch::kFloat32 ? "float32" : "bf16"));
      const int64_t channels = 6;
      const auto format = dims == 3 ? at::MemoryFormat::ChannelsLast3d : at::MemoryFormat::ChannelsLast;
      torch::nn::AnyModule norm = randomAffineInstanceNorm(dims, channels);
      torch::Tensor x = dims == 3 ? torch::randn({2, channels, 7, 9, 5}) : torch::randn({2, channels, 13, 11});
      x = (x * 3.0 - 1.0).to(type).contiguous(format);
      const torch::Tensor before = x.clone();
      const torch::Tensor expected = norm.forward(x.to(torch::kFloat32)).detach().to(type).to(torch::kFloat32);
      std::vector<int64_t> wide(x.sizes().begin(), x.sizes().end());
      wide[1] = channels + 5;
      torch::Tensor buffer = torch::full(wide, 42.0f).to(type).contiguous(format);
      torch::Tensor slice = buffer.narrow(1, 2, channels);
      {
        c10::InferenceMode inference;
        ASSERT_TRUE(instanceNormInto(x, slice, norm, false));
        torch::Tensor planes = x.contiguous();
        EXPECT_FALSE(instanceNormInto(planes, slice, norm, false)) << "x must be channels-last";
        torch::Tensor dense = torch::empty_like(x).contiguous();
        EXPECT_FALSE(instanceNormInto(x, dense, norm, false)) << "out must be channels-last";
      }
      const torch::Tensor got = slice.to(torch::kFloat32);
      const double tolerance = type == torch::kFloat32 ? 1e-4 : 1.0 / 64.0;
      EXPECT_TRUE(torch::allclose(got, expected, tolerance, tolerance))
          << "max difference " << (got - expected).abs().max().item<float>();
      EXPECT_TRUE(torch::all(buffer.narrow(1, 0, 2).to(torch::kFloat32) == 42.0f).item<bool>());
      EXPECT_TRUE(torch::all(buffer.narrow(1, 2 + channels, 3).to(torch::kFloat32) == 42.0f).item<bool>());
      EXPECT_TRUE(torch::equal(x, before)) << "x is not changed";
    }
}

TEST(InstanceNormInPlace, DeclinesWithAutogradOrAnotherNormOrLayout) {
  const torch::nn::AnyModule norm = randomAffineInstanceNorm(3, 4);
  torch::Tensor x = torch::randn({1, 4, 5, 5, 5});
  const torch::Tensor before = x.clone();
  EXPECT_FALSE(instanceNormInPlace(x, norm, true)) << "autograd is on: the modules must run";
  c10::InferenceMode inference;
  const torch::nn::AnyModule batchNorm(torch::nn::BatchNorm3d(4));
  EXPECT_FALSE(instanceNormInPlace(x, batchNorm, true));
  torch::Tensor strided = torch::randn({1, 4, 10, 5, 5}).slice(2, 0, 10, 2);
  EXPECT_FALSE(instanceNormInPlace(strided, norm, true));
  torch::Tensor asDouble = x.to(torch::kFloat64);
  EXPECT_FALSE(instanceNormInPlace(asDouble, norm, true));
  EXPECT_TRUE(torch::equal(x, before));
}

}  // namespace
}  // namespace aunet::model
