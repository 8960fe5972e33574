// Intensity domain randomization (issue 28): each transform's statistics. An
// inversion inverts, a monotone curve keeps the order, every curve keeps the mean
// and std; a bias field is smooth and bounded; low resolution keeps the grid and
// removes detail only along the chosen axes; synthetic images follow their labels.

#include <gtest/gtest.h>

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <random>

#include "pipeline/GenerationLabels.h"
#include "pipeline/IntensityRandomization.h"
#include "pipeline/TrainingAugmenter.h"

namespace aunet::pipeline {
namespace {

torch::Tensor noiseImage(std::vector<int64_t> shape, uint64_t seed) {
  return torch::randn(shape, at::detail::createCPUGenerator(seed), torch::kFloat) * 2.0 + 1.0;
}

TEST(IntensityRandomizationTest, InversionInvertsAndKeepsMeanAndStd) {
  const torch::Tensor x = noiseImage({20, 24, 12}, 1);
  std::mt19937_64 rng(1);
  const torch::Tensor y = applyIntensityCurve(x, randomIntensityCurve(IntensityCurveKind::Inversion, 6, rng));
  const double mean = x.mean().item<double>();
  // y = 2 mean - x: the brightest voxel becomes the darkest.
  EXPECT_TRUE(torch::allclose(y, 2 * mean - x, 1e-4, 1e-4));
  EXPECT_EQ(y.argmin().item<int64_t>(), x.argmax().item<int64_t>());
  EXPECT_NEAR(y.std(false).item<double>(), x.std(false).item<double>(), 1e-4);
}

// Three "tissues" 0.1 apart between a large dark background and a few bright voxels
// (grey / white matter / CSF between air and fat): knots evenly over [min, max] leave
// them in one segment, close in grey; knots at the quantiles give each its own.
TEST(IntensityRandomizationTest, QuantileKnotsPartTissuesThatShareANarrowBand) {
  torch::Tensor x = torch::zeros({1000});
  x.slice(0, 400, 600).fill_(5.0);
  x.slice(0, 600, 800).fill_(5.1);
  x.slice(0, 800, 990).fill_(5.2);
  x.slice(0, 990, 1000).fill_(20.0);
  const std::vector<double> zigzag{0, 1, 0, 1, 0, 1, 0, 1};
  const auto tissueSpread = [&](const torch::Tensor& y) {
    const torch::Tensor means = torch::stack({y.slice(0, 400, 600).mean(), y.slice(0, 600, 800).mean(), y.slice(0, 800, 990).mean()});
    return (means.max() - means.min()).item<double>() / y.std(false).item<double>();
  };
  const double even = tissueSpread(applyIntensityCurve(x, zigzag, CurveKnots::EvenlySpaced));
  const double quantiles = tissueSpread(applyIntensityCurve(x, zigzag, CurveKnots::Quantiles));
  EXPECT_GT(quantiles, 1.0) << "quantile knots: the tissues differ by more than a std";
  EXPECT_GT(quantiles, 3 * even) << "evenly spaced knots leave them close (" << even << " std)";
  const torch::Tensor y = applyIntensityCurve(x, zigzag, CurveKnots::Quantiles);
  EXPECT_NEAR(y.mean().item<double>(), x.mean().item<double>(), 1e-4);
  EXPECT_NEAR(y.std(false).item<double>(), x.std(false).item<double>(), 1e-3);
  EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << "coinciding knots (400 voxels of 0) are harmless";
}

// MR: air is dark in every sequence. The background-keeping inversion leaves the darkest
// seventh of the range darkest and reverses the order of everything above it.
TEST(IntensityRandomizationTest, InversionAboveBackgroundKeepsAirDarkAndInvertsTissue) {
  torch::Tensor x = torch::zeros({2000});
  x.slice(0, 800, 2000).copy_(torch::linspace(3.0, 10.0, 1200));  // tissue above 40 % air
  x.slice(0, 0, 800).copy_(torch::rand({800}, at::detail::createCPUGenerator(3)) * 0.5);  // air with noise
  const torch::Tensor y = invertAboveBackground(x);
  const torch::Tensor air = y.slice(0, 0, 800), tissue = y.slice(0, 800, 2000);
  EXPECT_LT(air.max().item<double>(), tissue.min().item<double>()) << "air stays below every tissue voxel";
  EXPECT_LT((tissue.slice(0, 1) - tissue.slice(0, 0, -1)).max().item<double>(), 1e-5) << "tissue order reversed";
  EXPECT_GT(tissue[0].item<double>() - tissue[-1].item<double>(), 1.0) << "the darkest tissue became the brightest";
  EXPECT_NEAR(y.mean().item<double>(), x.mean().item<double>(), 1e-4);
  EXPECT_NEAR(y.std(false).item<double>(), x.std(false).item<double>(), 1e-3);
}

TEST(IntensityRandomizationTest, MonotoneCurveKeepsOrderNonMonotoneDoesNot) {
  const torch::Tensor x = noiseImage({4000}, 2);
  std::mt19937_64 rng(2);
  for (int trial = 0; trial < 5; ++trial) {
    const auto curve = randomIntensityCurve(IntensityCurveKind::Monotone, 6, rng);
    for (size_t i = 1; i < curve.size(); ++i) EXPECT_GT(curve[i], curve[i - 1]);
    for (const CurveKnots knots : {CurveKnots::EvenlySpaced, CurveKnots::Quantiles}) {
      const torch::Tensor y = applyIntensityCurve(x, curve, knots);
      // Same ranking of voxels, same mean and std, different values.
      const torch::Tensor ySortedByX = y.index({x.argsort()});
      EXPECT_GE((ySortedByX.slice(0, 1) - ySortedByX.slice(0, 0, -1)).min().item<double>(), -1e-5);
      EXPECT_NEAR(y.mean().item<double>(), x.mean().item<double>(), 1e-4);
      EXPECT_NEAR(y.std(false).item<double>(), x.std(false).item<double>(), 1e-4);
      EXPECT_GT((y - x).abs().max().item<double>(), 1e-2);
    }
  }
  int reordered = 0;
  for (int trial = 0; trial < 5; ++trial) {
    const auto curve = randomIntensityCurve(IntensityCurveKind::NonMonotone, 6, rng);
    const torch::Tensor y = applyIntensityCurve(x, curve);
    // Pairs of voxels whose order flips: a non-monotone curve flips many.
    const torch::Tensor a = x.slice(0, 0, 2000), b = x.slice(0, 2000, 4000);
    const double flipped = ((a < b) != (y.slice(0, 0, 2000) < y.slice(0, 2000, 4000))).to(torch::kFloat).mean().item<double>();
    reordered += flipped > 0.05;
    EXPECT_NEAR(y.mean().item<double>(), x.mean().item<double>(), 1e-4);
  }
  EXPECT_GE(reordered, 4);
}

TEST(IntensityRandomizationTest, BiasFieldIsSmoothAndBounded) {
  std::mt19937_64 rng(3);
  const double maxChange = 0.3;
  for (int trial = 0; trial < 5; ++trial) {
    const torch::Tensor f = randomBiasField({32, 40, 24}, maxChange, rng, torch::kFloat);
    ASSERT_EQ(f.sizes(), (std::vector<int64_t>{32, 40, 24}));
    EXPECT_GE(f.min().item<double>(), 1.0 / (1.0 + maxChange) - 1e-5);
    EXPECT_LE(f.max().item<double>(), 1.0 + maxChange + 1e-5);
    EXPECT_GT(f.max().item<double>() - f.min().item<double>(), 0.05);  // not constant
    // Smooth: neighbouring voxels differ by at most the full log-range over a third of the axis.
    const double step = 2 * std::log1p(maxChange) / ((24 - 1) / 3.0);
    const torch::Tensor logF = f.log();
    for (int64_t a = 0; a < 3; ++a) {
      const int64_t n = f.size(a);
      const double jump = (logF.narrow(a, 1, n - 1) - logF.narrow(a, 0, n - 1)).abs().max().item<double>();
      EXPECT_LE(jump, step + 1e-5) << "axis " << a;
    }
  }
  // Applied above the minimum: the darkest voxel stays put, the rest scale within the bounds.
  const torch::Tensor x = noiseImage({16, 16, 16}, 4);
  const torch::Tensor f = randomBiasField({16, 16, 16}, maxChange, rng, torch::kFloat);
  const torch::Tensor y = applyBiasField(x, f);
  const double lo = x.min().item<double>();
  EXPECT_NEAR(y.min().item<double>(), lo, 1e-5);
  EXPECT_TRUE(torch::allclose((y - lo), (x - lo) * f, 1e-5, 1e-5));
}

TEST(IntensityRandomizationTest, LowResolutionKeepsTheGridAndBlursOnlyChosenAxes) {
  const torch::Tensor x = noiseImage({2, 24, 20, 16}, 5);
  const torch::Tensor y = simulateLowResolution(x, {4.0, 1.0, 1.0});
  ASSERT_EQ(y.sizes(), x.sizes());  // the grid is kept
  // A constant stays a constant; the mean is kept.
  const torch::Tensor c = torch::full({1, 24, 20, 16}, 3.5f);
  EXPECT_TRUE(torch::allclose(simulateLowResolution(c, {3.0, 2.0, 1.5}), c, 1e-5, 1e-5));
  EXPECT_NEAR(y.mean().item<double>(), x.mean().item<double>(), 0.05);
  // Detail along axis 0 (differences between neighbouring slices) mostly gone, and
  // in-plane detail kept: each slice is an average of 4 noisy slices.
  auto roughness = [](const torch::Tensor& t, int64_t axis) {
    const int64_t n = t.size(axis);
    return (t.narrow(axis, 1, n - 1) - t.narrow(axis, 0, n - 1)).pow(2).mean().item<double>();
  };
  EXPECT_LT(roughness(y, 1), 0.25 * roughness(x, 1));
  EXPECT_GT(roughness(y, 3), 0.1 * roughness(x, 3));
  EXPECT_LT(roughness(y, 3), 0.5 * roughness(x, 3));  // averaged over 4 slices: variance / 4
  // Factor 1 everywhere: unchanged.
  EXPECT_TRUE(torch::equal(simulateLowResolution(x, {1.0, 1.0, 1.0}), x));
  // 2D patches too.
  EXPECT_EQ(simulateLowResolution(x[0][0].unsqueeze(0), {1.0, 3.0}).sizes(), (std::vector<int64_t>{1, 20, 16}));
}

TEST(IntensityRandomizationTest, AugmenterAppliesThePlansProbabilities) {
  model::AugmentationPlan plan = model::AugmentationPlan::none();
  plan.intensity_remap = 1.0;
  plan.remap_inversion = 1.0;
  const TrainingAugmenter invert(plan, {12, 12, 12}, {1.0, 1.0, 1.0});
  const torch::Tensor x = noiseImage({2, 12, 12, 12}, 6);
  std::mt19937_64 rng(6);
  // Every inversion is one of the two kinds, per channel: the straight line about the
  // channel's own mean, or the one that keeps the background dark; over 20 draws both occur.
  int straight = 0, aboveBackground = 0;
  for (int draw = 0; draw < 20; ++draw) {
    torch::Tensor img = x.clone(), labels = torch::zeros({12, 12, 12}, torch::kLong);
    invert.applyIntensityAndMirror(img, labels, rng);
    for (int64_t c = 0; c < 2; ++c) {
      const bool isStraight = torch::allclose(img[c], 2 * x[c].mean() - x[c], 1e-4, 1e-4);
      const bool isAbove = torch::allclose(img[c], invertAboveBackground(x[c]), 1e-4, 1e-4);
      EXPECT_TRUE(isStraight || isAbove) << "draw " << draw << ", channel " << c;
      straight += isStraight;
      aboveBackground += isAbove;
    }
  }
  EXPECT_GT(straight, 5);
  EXPECT_GT(aboveBackground, 5);

  // The "on" defaults and none(): probabilities as documented.
  const model::AugmentationPlan on = model::AugmentationPlan().withIntensityRandomization(true);
  EXPECT_TRUE(on.intensityRandomization());
  EXPECT_DOUBLE_EQ(on.intensity_remap, 0.5);
  EXPECT_FALSE(model::AugmentationPlan().intensityRandomization());
  EXPECT_FALSE(on.withIntensityRandomization(false).intensityRandomization());
  EXPECT_EQ(model::AugmentationPlan::fromJson(on.toJson(), "test").toJson(), on.toJson());
}

TEST(SyntheticImageTest, GeneratedImageFollowsItsLabelsAndIsStandardized) {
  model::AugmentationPlan plan = model::AugmentationPlan::none();
  const TrainingAugmenter aug(plan, {16, 16, 16}, {1.0, 1.0, 1.0});
  // Three slabs of generation labels 0, 1, 2.
  torch::Tensor gen = torch::zeros({16, 16, 16}, torch::kLong);
  gen.slice(0, 6, 11).fill_(1);
  gen.slice(0, 11, 16).fill_(2);
  torch::Tensor img = torch::empty({1, 16, 16, 16});
  std::mt19937_64 rng(8);
  int separated = 0;
  torch::Tensor first;
  for (int trial = 0; trial < 6; ++trial) {
    aug.synthesize(gen, 3, img, rng);
    EXPECT_NEAR(img.mean().item<double>(), 0.0, 1e-4);
    EXPECT_NEAR(img.std(false).item<double>(), 1.0, 1e-3);
    // Away from the boundaries, voxels of one label are alike and the labels differ.
    const torch::Tensor a = img[0].slice(0, 1, 4), b = img[0].slice(0, 13, 15);
    const double between = std::abs(a.mean().item<double>() - b.mean().item<double>());
    separated += between > a.std().item<double>() + b.std().item<double>();
    if (trial == 0) first = img.clone();
  }
  EXPECT_GE(separated, 3);                  // most draws give the labels distinct intensities
  EXPECT_FALSE(torch::allclose(first, img));  // and every draw another contrast
}

TEST(SyntheticImageTest, ContextClassesFromKMeansFillTheBackground) {
  TrainingCase c;
  core::Geometry g;
  g.size = {8, 8, 2};
  c.image = core::Volume(g, 1);
  c.labels = core::LabelMap(g);
  for (int64_t i = 0; i < g.voxelCount(); ++i) {
    c.image.voxels()[static_cast<size_t>(i)] = static_cast<float>(i % 8 < 3 ? 0 : i % 8 < 6 ? 50 : 100);
    c.labels.labels()[static_cast<size_t>(i)] = i % 8 == 7 ? 1 : 0;
  }
  CaseTensors t;
  t.shape = {2, 8, 8};
  t.labels = torch::tensor(std::vector<int64_t>(c.labels.labels().begin(), c.labels.labels().end())).view(t.shape);
  attachGenerationLabels(t, c, 2, 3);
  EXPECT_EQ(t.generationCount, 5);
  const torch::Tensor flat = t.generation.view({-1});
  for (int64_t i = 0; i < g.voxelCount(); ++i) {
    const int64_t expected = i % 8 == 7 ? 1 : i % 8 < 3 ? 2 : i % 8 < 6 ? 3 : 4;
    ASSERT_EQ(flat[i].item<int64_t>(), expected) << i;
  }
  // Context labels given: their values become classes 2.. in ascending order.
  c.context = core::LabelMap(g);
  for (int64_t i = 0; i < g.voxelCount(); ++i) c.context.labels()[static_cast<size_t>(i)] = i < 64 ? 7 : 9;
  attachGenerationLabels(t, c, 2, 3);
  EXPECT_EQ(t.generationCount, 4);
  EXPECT_EQ(t.generation.view({-1})[0].item<int64_t>(), 2);
  EXPECT_EQ(t.generation.view({-1})[64].item<int64_t>(), 3);
  EXPECT_EQ(t.generation.view({-1})[7].item<int64_t>(), 1);
}

}  // namespace
}  // namespace aunet::pipeline
