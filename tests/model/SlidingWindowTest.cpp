// Sliding-window math: window placement follows nnU-Net's rule, the Gaussian map
// matches its definition, and with an identity "network" the stitched output is the
// input for any image size (smaller than a patch included), overlap and mirroring.

#include <gtest/gtest.h>

#include <torch/torch.h>

#include <cmath>

#include "core/Cancelled.h"
#include "core/Error.h"
#include "model/SlidingWindowInferer.h"
#include "model/SlidingWindowPlan.h"

namespace aunet::model {
namespace {

// nnU-Net v2's compute_steps_for_sliding_window, written out independently (np.round
// rounds halves to even, as nearbyint does).
std::vector<int64_t> nnunetSteps(int64_t size, int64_t patch, double tileStep) {
  const double target = patch * tileStep;
  const int64_t n = static_cast<int64_t>(std::ceil((size - patch) / target)) + 1;
  const double actual = n > 1 ? static_cast<double>(size - patch) / (n - 1) : 99999999999.0;
  std::vector<int64_t> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(static_cast<int64_t>(std::nearbyint(actual * i)));
  return out;
}

TEST(SlidingWindowPlanTest, StepsFollowNnUNetsRule) {
  EXPECT_EQ(slidingWindowSteps(96, 96, 0.5), (std::vector<int64_t>{0}));
  // 42.5 rounds to even, like np.round
  EXPECT_EQ(slidingWindowSteps(181, 96, 0.5), (std::vector<int64_t>{0, 42, 85}));
  EXPECT_EQ(slidingWindowSteps(200, 64, 0.0), (std::vector<int64_t>{0, 45, 91, 136}));
  for (int64_t size : {8, 17, 64, 100, 181, 217, 513})
    for (int64_t patch : {8, 16, 48, 96})
      for (double overlap : {0.0, 0.25, 0.5, 0.75})
        if (patch <= size) {
          const auto steps = slidingWindowSteps(size, patch, overlap);
          EXPECT_EQ(steps, nnunetSteps(size, patch, 1.0 - overlap)) << size << " " << patch << " " << overlap;
          EXPECT_EQ(steps.front(), 0);
          EXPECT_EQ(steps.back(), size - patch);  // the last window ends at the border
          for (size_t i = 1; i < steps.size(); ++i)  // no gaps
            EXPECT_LE(steps[i] - steps[i - 1], patch);
        }
  EXPECT_THROW(slidingWindowSteps(10, 16, 0.5), core::Error);
  EXPECT_THROW(slidingWindowSteps(32, 16, 1.0), core::Error);
  EXPECT_THROW(slidingWindowSteps(32, 16, -0.1), core::Error);
}

TEST(SlidingWindowPlanTest, StartsAreTheCartesianProduct) {
  const auto starts = slidingWindowStarts({20, 30}, {10, 10}, 0.5);
  const auto a = slidingWindowSteps(20, 10, 0.5), b = slidingWindowSteps(30, 10, 0.5);
  ASSERT_EQ(starts.size(), a.size() * b.size());
  EXPECT_EQ(starts[1], (std::vector<int64_t>{a[0], b[1]}));  // last axis fastest
  EXPECT_EQ(starts.back(), (std::vector<int64_t>{a.back(), b.back()}));
}

TEST(SlidingWindowPlanTest, GaussianMatchesItsDefinition) {
  const std::vector<int64_t> patch{12, 16, 9};
  const auto map = gaussianImportanceMap(patch);
  ASSERT_EQ(map.size(), 12u * 16u * 9u);
  double maxValue = 0;
  for (int64_t z = 0; z < 12; ++z)
    for (int64_t y = 0; y < 16; ++y)
      for (int64_t x = 0; x < 9; ++x) {
        double expected = 1.0;
        const int64_t idx[3] = {z, y, x};
        for (int d = 0; d < 3; ++d) {
          const double sigma = patch[d] / 8.0, c = static_cast<double>(patch[d] / 2);
          expected *= std::exp(-(idx[d] - c) * (idx[d] - c) / (2 * sigma * sigma));
        }
        const float got = map[(z * 16 + y) * 9 + x];
        EXPECT_NEAR(got, expected, 1e-6 * std::max(1.0, expected)) << z << " " << y << " " << x;
        maxValue = std::max<double>(maxValue, got);
      }
  EXPECT_FLOAT_EQ(maxValue, 1.0f);
  EXPECT_FLOAT_EQ(map[(6 * 16 + 8) * 9 + 4], 1.0f);  // the centre (patch / 2)
}

// The per-axis coverages' product is the sum of every window's map at each voxel.
TEST(SlidingWindowPlanTest, CoverageProductIsTheSumOfTheWindowsMaps) {
  const std::vector<int64_t> size{37, 29}, patch{16, 12};
  for (double overlap : {0.0, 0.5, 0.8}) {
    const std::vector<float> map = gaussianImportanceMap(patch);
    std::vector<double> sum(static_cast<size_t>(size[0] * size[1]), 0.0);
    for (const auto& start : slidingWindowStarts(size, patch, overlap))
      for (int64_t y = 0; y < patch[0]; ++y)
        for (int64_t x = 0; x < patch[1]; ++x)
          sum[static_cast<size_t>((start[0] + y) * size[1] + start[1] + x)] += map[static_cast<size_t>(y * patch[1] + x)];
    const std::vector<double> rows = gaussianCoverage(size[0], patch[0], overlap);
    const std::vector<double> columns = gaussianCoverage(size[1], patch[1], overlap);
    for (int64_t y = 0; y < size[0]; ++y)
      for (int64_t x = 0; x < size[1]; ++x) {
        const double expected = sum[static_cast<size_t>(y * size[1] + x)];
        ASSERT_GT(expected, 0.0);
        EXPECT_NEAR(rows[y] * columns[x], expected, 1e-6 * expected) << "overlap " << overlap << " at " << y << ", " << x;
      }
  }
}

TEST(SlidingWindowPlanTest, GaussianZerosBecomeTheSmallestWeight) {
  // sigma = 64/8 = 8: scipy's truncation radius is int(4 * 8 + 0.5) = 32, so offset -32
  // is kept and nothing is truncated; with sigmaScale 1/16 (radius 16) the border is.
  const auto truncated = gaussianImportanceMap({64}, 1.0 / 16.0);
  float minNonZero = 1.0f;
  for (int x = 16; x < 49; ++x) minNonZero = std::min(minNonZero, truncated[x]);
  for (int x = 0; x < 16; ++x) EXPECT_EQ(truncated[x], minNonZero) << x;
  for (float v : truncated) EXPECT_GT(v, 0.0f);
}

// The input tensor itself as "logits".
Predictor identity() {
  return [](const torch::Tensor& batch) { return PredictorOutput{batch.clone(), {}}; };
}

void expectReproduces(const std::vector<int64_t>& imageShape, const std::vector<int64_t>& patch, double overlap,
                      int64_t batch, bool mirror, double sigmaScale = 1.0 / 8.0) {
  torch::manual_seed(3);
  const torch::Tensor image = torch::randn(imageShape);
  SlidingWindowOptions options;
  options.patchSize = patch;
  options.overlap = overlap;
  options.batch = batch;
  options.mirror = mirror;
  options.softmax = false;
  options.sigmaScale = sigmaScale;
  const SlidingWindowResult result = SlidingWindowInferer(options).run(image, identity());
  ASSERT_EQ(result.probabilities.sizes(), image.sizes());
  // Float sums of up to 125 weighted copies: equal up to rounding (values are ~N(0, 1)).
  const double maxError = (result.probabilities - image).abs().max().item<double>();
  EXPECT_LT(maxError, 1e-5) << "image " << image.sizes() << " overlap " << overlap << " batch " << batch;
}

TEST(SlidingWindowInfererTest, IdentityNetworkReproducesTheInput) {
  for (double overlap : {0.0, 0.25, 0.5, 0.8}) {
    expectReproduces({2, 37, 41, 29}, {16, 16, 16}, overlap, 3, false);
    expectReproduces({1, 70, 33}, {32, 24}, overlap, 2, false);
  }
  expectReproduces({1, 16, 16, 16}, {16, 16, 16}, 0.5, 1, false);  // exactly one window
  expectReproduces({1, 5, 40, 7}, {16, 16, 16}, 0.5, 4, false);    // smaller than the patch on two axes
  expectReproduces({3, 9, 11}, {32, 32}, 0.5, 2, false);           // smaller everywhere
  expectReproduces({1, 23, 31, 18}, {16, 16, 16}, 0.5, 2, true);   // mirroring
  // A narrow Gaussian has zeros (replaced by the smallest weight): the map is no longer
  // a product of profiles, and the blend falls back to an image-sized weight map.
  ASSERT_EQ(gaussianProfile(16, 1.0 / 16.0).front(), 0.0);
  for (double overlap : {0.25, 0.5}) {
    expectReproduces({2, 37, 41, 29}, {16, 16, 16}, overlap, 3, false, 1.0 / 16.0);
    expectReproduces({1, 70, 33}, {32, 24}, overlap, 2, false, 1.0 / 16.0);
  }
}

TEST(SlidingWindowInfererTest, SoftmaxOfTheIdentityIsBlendedProbabilities) {
  torch::manual_seed(4);
  const torch::Tensor image = torch::randn({3, 30, 26});
  SlidingWindowOptions options;
  options.patchSize = {16, 16};
  const auto result = SlidingWindowInferer(options).run(image, identity());
  EXPECT_LT((result.probabilities - torch::softmax(image, 0)).abs().max().item<double>(), 2e-6);
  EXPECT_LT((result.probabilities.sum(0) - 1).abs().max().item<double>(), 1e-5);
}

TEST(SlidingWindowInfererTest, BatchesCountsAndWholeImageMode) {
  const torch::Tensor image = torch::randn({1, 40, 50});
  SlidingWindowOptions options;
  options.patchSize = {16, 16};
  options.batch = 4;
  options.mirror = true;  // 3 flips in 2D
  options.softmax = false;
  const auto result = SlidingWindowInferer(options).run(image, identity());
  const int64_t windows = slidingWindowSteps(40, 16, 0.5).size() * slidingWindowSteps(50, 16, 0.5).size();
  EXPECT_EQ(result.windows, windows);
  EXPECT_EQ(result.forwardPasses, (windows + 3) / 4 * 4);

  SlidingWindowOptions whole;
  whole.sizeDivisor = 16;
  whole.softmax = false;
  std::vector<int64_t> seen;
  const auto wholeResult = SlidingWindowInferer(whole).run(image, [&](const torch::Tensor& b) {
    seen.assign(b.sizes().begin(), b.sizes().end());
    return PredictorOutput{b.clone(), {}};
  });
  EXPECT_EQ(seen, (std::vector<int64_t>{1, 1, 48, 64}));  // padded up to the divisor
  EXPECT_EQ(wholeResult.forwardPasses, 1);
  EXPECT_LT((wholeResult.probabilities - image).abs().max().item<double>(), 1e-6);
}

TEST(SlidingWindowInfererTest, AttentionMapsAreStitchedOnTheImageGrid) {
  // A constant alpha of 0.25 at half resolution must come back as 0.25 everywhere.
  const torch::Tensor image = torch::randn({1, 20, 30, 25});
  SlidingWindowOptions options;
  options.patchSize = {16, 16, 16};
  options.withAttention = true;
  options.mirror = true;
  options.mirrorAxes = {2};
  const auto result = SlidingWindowInferer(options).run(image, [](const torch::Tensor& b) {
    return PredictorOutput{torch::zeros({b.size(0), 2, 16, 16, 16}), {torch::full({b.size(0), 1, 8, 8, 8}, 0.25)}};
  });
  ASSERT_EQ(result.attention.size(), 1u);
  EXPECT_EQ(std::vector<int64_t>(result.attention[0].sizes().begin(), result.attention[0].sizes().end()),
            (std::vector<int64_t>{20, 30, 25}));
  EXPECT_LT((result.attention[0] - 0.25).abs().max().item<double>(), 1e-6);
  EXPECT_LT((result.probabilities - 0.5).abs().max().item<double>(), 1e-6);
}

TEST(SlidingWindowInfererTest, CancellationAndBadOutputs) {
  const torch::Tensor image = torch::randn({1, 40, 40});
  SlidingWindowOptions options;
  options.patchSize = {16, 16};
  options.batch = 1;
  core::CancellationToken token;
  int calls = 0;
  EXPECT_THROW(SlidingWindowInferer(options).run(
                   image,
                   [&](const torch::Tensor& b) {
                     if (++calls == 2) token.cancel();
                     return PredictorOutput{b.clone(), {}};
                   },
                   {}, &token),
               core::Cancelled);
  EXPECT_EQ(calls, 2);
  EXPECT_THROW(SlidingWindowInferer(options).run(
                   image, [](const torch::Tensor& b) { return PredictorOutput{b.slice(2, 0, 8), {}}; }),
               core::Error);
  options.overlap = 1.0;
  EXPECT_THROW(SlidingWindowInferer{options}, core::Error);
}

}  // namespace
}  // namespace aunet::model
