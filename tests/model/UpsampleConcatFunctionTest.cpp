// The channels-last training concatenation cat(skip, upsample2x(coarser)): values and
// both gradients against LibTorch's cat + interpolate, the gradient kernel as the exact
// transpose of the upsampling, and the inputs it must leave to LibTorch.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/LinearUpsample2x.h"
#include "model/UpsampleConcatFunction.h"
#include "tests/model/UpsampleTestSupport.h"

namespace aunet::model {
namespace {

using test::channelsLast;
using test::interpolate2x;

const std::vector<std::vector<int64_t>> kCoarseSizes{{3, 4, 5}, {1, 2, 3}, {2, 1, 1}, {5, 3}, {1, 4}};

TEST(UpsampleConcatFunction, ValuesAndGradientsMatchCatOfInterpolate) {
  torch::manual_seed(11);
  for (const auto& spatial : kCoarseSizes) {
    SCOPED_TRACE(std::to_string(spatial.size()) + "D, first axis " + std::to_string(spatial[0]));
    std::vector<int64_t> coarse_shape{2, 5}, skip_shape{2, 3};
    for (int64_t s : spatial) {
      coarse_shape.push_back(s);
      skip_shape.push_back(2 * s);
    }
    const torch::Tensor skip0 = torch::randn(skip_shape).contiguous(channelsLast(skip_shape.size()));
    const torch::Tensor coarse0 = torch::randn(coarse_shape).contiguous(channelsLast(coarse_shape.size()));
    const torch::Tensor skip = skip0.clone().requires_grad_(true), coarse = coarse0.clone().requires_grad_(true);
    const torch::Tensor merged = upsampleConcatenate(skip, coarse);
    ASSERT_TRUE(merged.defined());
    EXPECT_TRUE(merged.is_contiguous(channelsLast(skip_shape.size())));

    const torch::Tensor rskip = skip0.contiguous().requires_grad_(true), rcoarse = coarse0.contiguous().requires_grad_(true);
    const torch::Tensor expected = torch::cat({rskip, interpolate2x(rcoarse)}, 1);
    EXPECT_TRUE(torch::allclose(merged, expected, 1e-5, 1e-6));

    const torch::Tensor upstream = torch::randn(expected.sizes());
    (merged * upstream).sum().backward();
    (expected * upstream).sum().backward();
    EXPECT_TRUE(torch::allclose(skip.grad(), rskip.grad(), 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(coarse.grad(), rcoarse.grad(), 1e-5, 1e-5))
        << "max difference " << (coarse.grad() - rcoarse.grad()).abs().max().item<float>();
  }
}

// <U x, g> = <x, U^T g> for random x and g: the backward kernel is the transpose of the
// forward one, edges included, also from a channel slice of a wider gradient.
TEST(UpsampleConcatFunction, GradientKernelIsTheUpsamplingsTranspose) {
  torch::manual_seed(12);
  for (const auto& spatial : kCoarseSizes) {
    SCOPED_TRACE(std::to_string(spatial.size()) + "D, first axis " + std::to_string(spatial[0]));
    std::vector<int64_t> coarse_shape{1, 4}, wide_shape{1, 7};
    for (int64_t s : spatial) {
      coarse_shape.push_back(s);
      wide_shape.push_back(2 * s);
    }
    const auto layout = channelsLast(coarse_shape.size());
    const torch::Tensor x = torch::randn(coarse_shape, torch::kDouble).to(torch::kFloat).contiguous(layout);
    const torch::Tensor wide = torch::randn(wide_shape).contiguous(layout);
    const torch::Tensor g = wide.narrow(1, 2, 4);
    torch::Tensor ux = torch::empty(g.sizes(), g.options()).contiguous(layout);
    ASSERT_TRUE(linearUpsample2xInto(x, ux));
    torch::Tensor utg = torch::empty_like(x);
    ASSERT_TRUE(linearUpsample2xBackwardInto(g, utg));
    const double left = (ux.to(torch::kDouble) * g.to(torch::kDouble)).sum().item<double>();
    const double right = (x.to(torch::kDouble) * utg.to(torch::kDouble)).sum().item<double>();
    EXPECT_NEAR(left, right, 1e-4 * (1.0 + std::abs(left)));
  }
}

TEST(UpsampleConcatFunction, Bf16GradientIsTheFloatGradientRoundedOnce) {
  torch::manual_seed(13);
  const torch::Tensor g = torch::randn({2, 6, 6, 4, 8}).to(torch::kBFloat16).contiguous(at::MemoryFormat::ChannelsLast3d);
  torch::Tensor got = torch::empty({2, 6, 3, 2, 4}, g.options()).contiguous(at::MemoryFormat::ChannelsLast3d);
  ASSERT_TRUE(linearUpsample2xBackwardInto(g, got));
  torch::Tensor wanted = torch::empty({2, 6, 3, 2, 4}).contiguous(at::MemoryFormat::ChannelsLast3d);
  ASSERT_TRUE(linearUpsample2xBackwardInto(g.to(torch::kFloat), wanted));
  EXPECT_TRUE(torch::allclose(got.to(torch::kFloat), wanted, 1e-2, 1e-2));
}

TEST(UpsampleConcatFunction, LeavesOtherInputsToLibTorch) {
  const torch::Tensor skip = torch::randn({1, 2, 4, 4, 4}).contiguous(at::MemoryFormat::ChannelsLast3d);
  const torch::Tensor coarse = torch::randn({1, 3, 2, 2, 2}).contiguous(at::MemoryFormat::ChannelsLast3d);
  EXPECT_TRUE(upsampleConcatenate(skip, coarse).defined());
  EXPECT_FALSE(upsampleConcatenate(skip, coarse.contiguous()).defined()) << "NCDHW coarse input";
  EXPECT_FALSE(upsampleConcatenate(skip, coarse.to(torch::kDouble)).defined()) << "mixed types";
  EXPECT_FALSE(upsampleConcatenate(skip.narrow(2, 0, 3), coarse).defined()) << "not twice the size";
  EXPECT_FALSE(upsampleConcatenate(skip, torch::cat({coarse, coarse}).contiguous(at::MemoryFormat::ChannelsLast3d)).defined())
      << "batch";
  torch::Tensor small = torch::empty({1, 3, 1, 2, 2}).contiguous(at::MemoryFormat::ChannelsLast3d);
  EXPECT_FALSE(linearUpsample2xBackwardInto(torch::randn({1, 3, 4, 4, 4}), small)) << "wrong coarse size";
}

}  // namespace
}  // namespace aunet::model
