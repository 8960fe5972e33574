// Intensity normalization schemes and foreground statistics, against values worked
// out by hand (numpy conventions: population std, linear percentiles).

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "io/ImageWriter.h"
#include "imaging/IntensityNormalizer.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::imaging {
namespace {

using namespace aunet::io::test;

// A volume of `values.size()` voxels along i holding `values` in channel 0.
core::Volume lineVolume(const std::vector<float>& values, int channels = 1) {
  core::Geometry g;
  g.size = {static_cast<int64_t>(values.size()), 1, 1};
  core::Volume v(g, channels);
  for (size_t i = 0; i < values.size(); ++i) v.at(static_cast<int64_t>(i), 0, 0) = values[i];
  return v;
}

TEST(IntensityStatistics, MatchNumpyOnOneToTwoHundred) {
  std::vector<float> values;
  for (int v = 200; v >= 1; --v) values.push_back(static_cast<float>(v));
  const IntensityStatistics s = intensityStatistics(values);
  EXPECT_EQ(s.count, 200);
  EXPECT_DOUBLE_EQ(s.mean, 100.5);
  EXPECT_NEAR(s.std, std::sqrt((200.0 * 200.0 - 1.0) / 12.0), 1e-9);  // 57.7343...
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_DOUBLE_EQ(s.max, 200.0);
  EXPECT_DOUBLE_EQ(s.median, 100.5);
  // np.percentile(arange(1, 201), 0.5) == 1.995, (.., 99.5) == 199.005
  EXPECT_NEAR(s.percentile00_5, 1.995, 1e-9);
  EXPECT_NEAR(s.percentile99_5, 199.005, 1e-9);
  std::vector<float> none;
  EXPECT_EQ(intensityStatistics(none).count, 0);
}

TEST(IntensityNormalizer, CtClipsThenZScoresWithGivenStatistics) {
  core::Volume v = lineVolume({-1000.f, -100.f, 50.f, 100.f, 500.f});
  normalizeCt(v, 0, CtNormalization{-100.0, 200.0, 50.0, 25.0});
  const std::vector<float> expected{-6.f, -6.f, 0.f, 2.f, 6.f};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(v.voxels()[i], expected[i]) << i;

  IntensityStatistics fg;
  fg.count = 10;
  fg.mean = 40;
  fg.std = 12;
  fg.percentile00_5 = -30;
  fg.percentile99_5 = 180;
  const CtNormalization p = CtNormalization::fromStatistics(fg);
  EXPECT_EQ(p.clipLow, -30);
  EXPECT_EQ(p.clipHigh, 180);
  EXPECT_EQ(p.mean, 40);
  EXPECT_EQ(p.std, 12);
  EXPECT_THROW(CtNormalization::fromStatistics(IntensityStatistics{}), core::Error);
  EXPECT_THROW(normalizeCt(v, 0, CtNormalization{10, -10, 0, 1}), core::Error);
  EXPECT_THROW(normalizeCt(v, 1, p), core::Error);
}

TEST(IntensityNormalizer, WholeImageZScore) {
  core::Volume v = lineVolume({1.f, 2.f, 3.f, 4.f});
  normalizeZScore(v, 0, ZScoreRegion::WholeImage);
  const double sd = std::sqrt(1.25);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(v.voxels()[i], (i + 1 - 2.5) / sd, 1e-6);
  // A constant channel becomes 0, not NaN (std floored at 1e-8 as nnU-Net does).
  core::Volume flat = lineVolume({7.f, 7.f, 7.f});
  normalizeZScore(flat, 0);
  for (float x : flat.voxels()) EXPECT_EQ(x, 0.0f);
}

TEST(IntensityNormalizer, NonZeroZScoreUsesTheUnionOfChannelsAndKeepsBackgroundZero) {
  core::Volume v = lineVolume({0.f, 0.f, 2.f, 4.f}, 2);
  v.at(1, 0, 0, 1) = 5.f;  // voxel 1 is foreground through channel 1
  normalizeZScore(v, 0, ZScoreRegion::NonZero);
  // Channel 0 over voxels {1, 2, 3}: values {0, 2, 4}, mean 2, std sqrt(8/3).
  const double sd = std::sqrt(8.0 / 3.0);
  EXPECT_EQ(v.at(0, 0, 0, 0), 0.0f);
  EXPECT_NEAR(v.at(1, 0, 0, 0), -2.0 / sd, 1e-6);
  EXPECT_NEAR(v.at(2, 0, 0, 0), 0.0, 1e-6);
  EXPECT_NEAR(v.at(3, 0, 0, 0), 2.0 / sd, 1e-6);
  EXPECT_EQ(v.at(1, 0, 0, 1), 5.f) << "other channels are untouched";
  core::Volume empty = lineVolume({0.f, 0.f});
  normalizeZScore(empty, 0, ZScoreRegion::NonZero);
  EXPECT_EQ(empty.voxels(), (std::vector<float>{0.f, 0.f}));
}

// Volumes larger than one reduction block (65536 voxels), of a size that is no multiple
// of it, against a plain two-pass reference in double: the blocked, threaded sums give
// the same result.
TEST(IntensityNormalizer, ZScoreOfALargeVolumeMatchesAPlainTwoPassReference) {
  core::Geometry g;
  g.size = {97, 83, 61};  // 491,111 voxels: 7.5 blocks
  for (const ZScoreRegion region : {ZScoreRegion::WholeImage, ZScoreRegion::NonZero})
    for (const int channels : {1, 2}) {
      SCOPED_TRACE(std::string(region == ZScoreRegion::NonZero ? "non-zero" : "whole image") + ", " +
                   std::to_string(channels) + " channel(s)");
      core::Volume v(g, channels);
      const int64_t n = g.voxelCount();
      for (int c = 0; c < channels; ++c)
        for (int64_t i = 0; i < n; ++i)  // a CT-like offset, a zero background in a third of the voxels
          v.channel(c)[i] = (i + c) % 3 == 0 ? 0.0f : -1000.0f + static_cast<float>((i * 7919 + c * 31) % 2001);
      auto inside = [&](int64_t i) {
        if (region == ZScoreRegion::WholeImage) return true;
        for (int c = 0; c < channels; ++c)
          if (v.channel(c)[i] != 0.0f) return true;
        return false;
      };
      double sum = 0.0, squares = 0.0;
      int64_t count = 0;
      for (int64_t i = 0; i < n; ++i)
        if (inside(i)) sum += v.channel(0)[i], ++count;
      const double mean = sum / static_cast<double>(count);
      for (int64_t i = 0; i < n; ++i)
        if (inside(i)) squares += (v.channel(0)[i] - mean) * (v.channel(0)[i] - mean);
      const double sd = std::sqrt(squares / static_cast<double>(count));
      std::vector<float> expected(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i)
        expected[static_cast<size_t>(i)] = inside(i) ? static_cast<float>((v.channel(0)[i] - mean) / sd) : 0.0f;
      ASSERT_GT(sd, 100.0);
      normalizeZScore(v, 0, region);
      int64_t differ = 0;
      for (int64_t i = 0; i < n; ++i) differ += std::abs(v.channel(0)[i] - expected[static_cast<size_t>(i)]) > 1e-5f;
      EXPECT_EQ(differ, 0);
    }
}

TEST(IntensityNormalizer, FixedRangeMapsToUnitIntervalWithClipping) {
  core::Volume v = lineVolume({-2000.f, -1000.f, 0.f, 500.f, 3000.f});
  normalizeFixedRange(v, 0, -1000.0, 1000.0);
  const std::vector<float> expected{0.f, 0.f, 0.5f, 0.75f, 1.f};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_FLOAT_EQ(v.voxels()[i], expected[i]) << i;
  EXPECT_THROW(normalizeFixedRange(v, 0, 1.0, 1.0), core::Error);
  EXPECT_THROW(normalizeFixedRange(v, -1, 0.0, 1.0), core::Error);
}

// Two cases: A has 1000 foreground voxels at 0 (+ background at 500), B has 10 at 100.
struct TwoCases {
  core::Volume a, b;
  core::LabelMap la, lb;
  TwoCases() {
    core::Geometry ga;
    ga.size = {40, 50, 1};
    a = core::Volume(ga, 1);
    la = core::LabelMap(ga);
    for (int64_t v = 0; v < ga.voxelCount(); ++v) {
      const bool fg = v < 1000;
      a.data()[v] = fg ? 0.f : 500.f;
      la.data()[v] = fg ? 3 : 0;
    }
    core::Geometry gb;
    gb.size = {5, 4, 1};
    b = core::Volume(gb, 1);
    lb = core::LabelMap(gb);
    for (int64_t v = 0; v < gb.voxelCount(); ++v) {
      const bool fg = v % 2 == 0;
      b.data()[v] = fg ? 100.f : -7.f;
      lb.data()[v] = fg ? 1 : 0;
    }
  }
};

TEST(ForegroundStatistics, AllVoxelsGivesExactPooledFigures) {
  TwoCases c;
  ForegroundStatisticsOptions all;
  all.samplesPerCase = 0;
  const auto s = computeForegroundStatistics({&c.a, &c.b}, {&c.la, &c.lb}, all);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].count, 1010);
  EXPECT_NEAR(s[0].mean, 1000.0 / 1010.0, 1e-9);  // only foreground: no 500 or -7
  const double mean = 1000.0 / 1010.0;
  EXPECT_NEAR(s[0].std, std::sqrt((1000 * mean * mean + 10 * (100 - mean) * (100 - mean)) / 1010.0), 1e-9);
  EXPECT_EQ(s[0].min, 0.0);
  EXPECT_EQ(s[0].max, 100.0);
  EXPECT_EQ(s[0].percentile00_5, 0.0);
  // rank 0.995 * 1009 = 1003.955: between two 100s.
  EXPECT_EQ(s[0].percentile99_5, 100.0);
}

TEST(ForegroundStatistics, SamplingWeighsEveryCaseEquallyAndIsReproducible) {
  TwoCases c;
  ForegroundStatisticsOptions sampled;  // 10000 per case, nnU-Net's default
  const auto s = computeForegroundStatistics({&c.a, &c.b}, {&c.la, &c.lb}, sampled);
  EXPECT_EQ(s[0].count, 20000);
  EXPECT_NEAR(s[0].mean, 50.0, 1e-9);  // half the samples are 0, half 100
  EXPECT_NEAR(s[0].std, 50.0, 1e-9);
  EXPECT_EQ(s[0].median, 50.0);
  const auto again = computeForegroundStatistics({&c.a, &c.b}, {&c.la, &c.lb}, sampled);
  EXPECT_EQ(again[0].mean, s[0].mean);
}

TEST(ForegroundStatistics, MixedValuesSampledCloseToExact) {
  core::Geometry g;
  g.size = {64, 64, 16};
  core::Volume v(g, 2);
  core::LabelMap l(g);
  for (int64_t i = 0; i < g.voxelCount(); ++i) {
    v.channel(0)[i] = static_cast<float>(i % 1000);
    v.channel(1)[i] = static_cast<float>(-(i % 1000));
    l.data()[i] = (i / 7) % 3 == 0;
  }
  ForegroundStatisticsOptions all;
  all.samplesPerCase = 0;
  ForegroundStatisticsOptions many;
  many.samplesPerCase = 200000;
  const auto exact = computeForegroundStatistics({&v}, {&l}, all);
  const auto sampled = computeForegroundStatistics({&v}, {&l}, many);
  ASSERT_EQ(exact.size(), 2u);
  for (int c = 0; c < 2; ++c) {
    EXPECT_NEAR(sampled[c].mean, exact[c].mean, 5.0) << c;
    EXPECT_NEAR(sampled[c].std, exact[c].std, 5.0) << c;
    EXPECT_NEAR(sampled[c].percentile99_5, exact[c].percentile99_5, 5.0) << c;
  }
  EXPECT_NEAR(exact[1].mean, -exact[0].mean, 1e-9);
}

TEST(ForegroundStatisticsLoader, LoadsOneCaseAtATimeAndNamesItOnErrors) {
  TwoCases c;
  ForegroundStatisticsOptions all;
  all.samplesPerCase = 0;
  std::vector<size_t> loaded;
  const auto s = computeForegroundStatistics(
      2,
      [&](size_t i) {
        loaded.push_back(i);
        return i == 0 ? ForegroundCase{c.a, c.la, "a", "a_seg"} : ForegroundCase{c.b, c.lb, "b", "b_seg"};
      },
      all);
  EXPECT_EQ(loaded, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(s[0].count, 1010);
  EXPECT_NEAR(s[0].mean, 1000.0 / 1010.0, 1e-9);
  try {
    computeForegroundStatistics(1, [&](size_t) { return ForegroundCase{c.a, c.lb, "a", "b_seg"}; });
    ADD_FAILURE() << "labels on another grid must be an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("b_seg", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("not on the grid"), std::string::npos) << e.what();
  }
  EXPECT_THROW(computeForegroundStatistics(0, [&](size_t) { return ForegroundCase{}; }), core::Error);
}

}  // namespace
}  // namespace aunet::imaging
