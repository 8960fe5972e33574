// Segmentation metrics against analytic and hand-computed values: offset spheres
// (Dice from the exact voxel overlap and the lens volume, HD95/ASSD from the
// continuous surface-distance distribution), anisotropic spacing, exact distances
// for boxes and single voxels, one-slice images, empty-mask conventions, summaries.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "imaging/SegmentationMetrics.h"
#include "core/Error.h"

namespace aunet::imaging {
namespace {

core::LabelMap emptyMap(core::Index3 size, core::Vec3 spacing = {1, 1, 1}) {
  core::Geometry g;
  g.size = size;
  g.spacing = spacing;
  g.origin = {-3, 7, 11};
  return core::LabelMap(g);
}

// Label `value` inside the ball of `radius` mm around `centre` (mm, relative to the
// first voxel centre; identity direction).
void paintBall(core::LabelMap& map, core::Vec3 centre, double radius, uint16_t value) {
  const auto& g = map.geometry();
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const double x = i * g.spacing[0] - centre[0], y = j * g.spacing[1] - centre[1], z = k * g.spacing[2] - centre[2];
        if (x * x + y * y + z * z <= radius * radius) map.at(i, j, k) = value;
      }
}

// Continuous reference for two spheres of radius R with centres d apart: a surface
// point of one sphere at polar angle acos(u) from the offset axis is
// |sqrt(R^2 + d^2 - 2 d R u) - R| from the other sphere, and u is uniform on [-1, 1]
// over the surface (Archimedes). Both directions have the same distribution.
struct SphereDistances {
  double hd95;
  double mean;
};
SphereDistances analyticSphereDistances(double radius, double offset) {
  const int n = 200001;
  std::vector<double> d(n);
  double sum = 0;
  for (int s = 0; s < n; ++s) {
    const double u = -1.0 + 2.0 * s / (n - 1);
    d[s] = std::abs(std::sqrt(radius * radius + offset * offset - 2 * offset * radius * u) - radius);
    sum += d[s];
  }
  std::sort(d.begin(), d.end());
  return {d[static_cast<size_t>(0.95 * (n - 1))], sum / n};
}

double lensDice(double radius, double offset) {
  const double lens = M_PI * (4 * radius + offset) * (2 * radius - offset) * (2 * radius - offset) / 12.0;
  return lens / (4.0 / 3.0 * M_PI * radius * radius * radius);
}

void expectSphereMetrics(const core::LabelMap& pred, const core::LabelMap& ref, double radius, double offset,
                         double voxelTolerance) {
  const LabelMetrics m = computeLabelMetrics(pred, ref, 1);
  // Exact overlap, counted independently.
  int64_t overlap = 0, p = 0, r = 0;
  for (size_t o = 0; o < ref.labels().size(); ++o) {
    p += pred.labels()[o] == 1;
    r += ref.labels()[o] == 1;
    overlap += pred.labels()[o] == 1 && ref.labels()[o] == 1;
  }
  EXPECT_EQ(m.predictedVoxels, p);
  EXPECT_EQ(m.referenceVoxels, r);
  EXPECT_EQ(m.overlapVoxels, overlap);
  EXPECT_DOUBLE_EQ(m.dice, 2.0 * overlap / (p + r));
  EXPECT_DOUBLE_EQ(m.iou, double(overlap) / (p + r - overlap));
  EXPECT_NEAR(m.dice, lensDice(radius, offset), 0.02);

  const SphereDistances expected = analyticSphereDistances(radius, offset);
  ASSERT_TRUE(m.hd95Mm && m.assdMm && m.hausdorffMm);
  EXPECT_NEAR(*m.hd95Mm, expected.hd95, voxelTolerance);
  EXPECT_NEAR(*m.assdMm, expected.mean, voxelTolerance / 2);
  EXPECT_NEAR(*m.hausdorffMm, offset, voxelTolerance);
  EXPECT_LE(*m.hd95Mm, *m.hausdorffMm);
}

TEST(SegmentationMetricsTest, OffsetSpheresMatchTheAnalyticValues) {
  core::LabelMap ref = emptyMap({48, 40, 40}), pred = emptyMap({48, 40, 40});
  paintBall(ref, {20, 20, 20}, 12, 1);
  paintBall(pred, {24, 20, 20}, 12, 1);
  expectSphereMetrics(pred, ref, 12, 4, 1.0);
}

TEST(SegmentationMetricsTest, AnisotropicSpacingIsMeasuredInMillimetres) {
  const core::Vec3 spacing{0.7, 1.1, 1.6};
  core::LabelMap ref = emptyMap({48, 28, 24}, spacing), pred = emptyMap({48, 28, 24}, spacing);
  // Centres 5 mm apart along the (3, 0, 4) direction; radius 10 mm.
  paintBall(ref, {15.0, 15.0, 16.0}, 10, 1);
  paintBall(pred, {18.0, 15.0, 20.0}, 10, 1);
  expectSphereMetrics(pred, ref, 10, 5, 1.6);
}

TEST(SegmentationMetricsTest, BoxesShiftedAlongAThickAxisHaveExactDistances) {
  // 20 x 20 x 10 voxel boxes, one 3 slices higher; slices 2.5 mm apart.
  core::LabelMap ref = emptyMap({24, 24, 18}, {1.0, 1.0, 2.5}), pred = emptyMap({24, 24, 18}, {1.0, 1.0, 2.5});
  for (int64_t k = 0; k < 18; ++k)
    for (int64_t j = 2; j < 22; ++j)
      for (int64_t i = 2; i < 22; ++i) {
        if (k >= 2 && k < 12) ref.at(i, j, k) = 3;
        if (k >= 5 && k < 15) pred.at(i, j, k) = 3;
      }
  const LabelMetrics m = computeLabelMetrics(pred, ref, 3);
  EXPECT_DOUBLE_EQ(m.dice, 0.7);  // 7 of 10 slices shared
  EXPECT_DOUBLE_EQ(m.iou, 7.0 / 13.0);
  // The centre of a cap is 3 slices = 7.5 mm from the other box's cap and at least
  // 10 mm from its walls.
  EXPECT_DOUBLE_EQ(*m.hausdorffMm, 7.5);
  EXPECT_GT(*m.hd95Mm, 2.5);
  EXPECT_LE(*m.hd95Mm, 7.5);
}

TEST(SegmentationMetricsTest, SingleVoxelsAreTheirDistanceApart) {
  core::LabelMap ref = emptyMap({6, 8, 5}, {1.0, 2.0, 0.5}), pred = emptyMap({6, 8, 5}, {1.0, 2.0, 0.5});
  pred.at(0, 0, 0) = 1;
  ref.at(3, 4, 2) = 1;
  const LabelMetrics m = computeLabelMetrics(pred, ref, 1);
  const double d = std::sqrt(9.0 + 64.0 + 1.0);
  EXPECT_DOUBLE_EQ(m.dice, 0.0);
  EXPECT_NEAR(*m.hd95Mm, d, 1e-12);
  EXPECT_NEAR(*m.assdMm, d, 1e-12);
  EXPECT_NEAR(*m.hausdorffMm, d, 1e-12);
}

TEST(SegmentationMetricsTest, OneSliceImagesUseInPlaneSurfaces) {
  // 5x5 square against the 3x3 square in its middle: surfaces are the rings (16 and
  // 8 voxels), not every voxel as they would be if the missing slices counted.
  core::LabelMap ref = emptyMap({9, 9, 1}), pred = emptyMap({9, 9, 1});
  for (int j = 2; j <= 6; ++j)
    for (int i = 2; i <= 6; ++i) {
      pred.at(i, j, 0) = 1;
      if (i >= 3 && i <= 5 && j >= 3 && j <= 5) ref.at(i, j, 0) = 1;
    }
  const LabelMetrics m = computeLabelMetrics(pred, ref, 1);
  EXPECT_DOUBLE_EQ(m.dice, 2.0 * 9 / 34);
  // pred -> ref: 12 edge voxels at 1, 4 corners at sqrt(2); ref -> pred: 8 x 1.
  EXPECT_NEAR(*m.assdMm, (20.0 + 4 * std::sqrt(2.0)) / 24.0, 1e-12);
  EXPECT_NEAR(*m.hd95Mm, std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(*m.hausdorffMm, std::sqrt(2.0), 1e-12);
}

TEST(SegmentationMetricsTest, IdenticalMasksArePerfect) {
  core::LabelMap ref = emptyMap({20, 20, 20});
  paintBall(ref, {10, 10, 10}, 6, 2);
  const LabelMetrics m = computeLabelMetrics(ref, ref, 2);
  EXPECT_DOUBLE_EQ(m.dice, 1.0);
  EXPECT_DOUBLE_EQ(m.iou, 1.0);
  EXPECT_DOUBLE_EQ(*m.hd95Mm, 0.0);
  EXPECT_DOUBLE_EQ(*m.assdMm, 0.0);
}

TEST(SegmentationMetricsTest, EmptyMaskConventions) {
  core::LabelMap ref = emptyMap({10, 10, 10}), pred = emptyMap({10, 10, 10});
  ref.at(5, 5, 5) = 1;
  const auto all = computeSegmentationMetrics(pred, ref, {1, 2});
  ASSERT_EQ(all.size(), 2u);
  // Label 1 only in the reference: Dice 0, distances undefined.
  EXPECT_DOUBLE_EQ(all[0].dice, 0.0);
  EXPECT_DOUBLE_EQ(all[0].iou, 0.0);
  EXPECT_FALSE(all[0].hd95Mm.has_value());
  EXPECT_FALSE(all[0].assdMm.has_value());
  EXPECT_TRUE(toJson(all[0])["hd95_mm"].is_null());
  // Label 2 in neither: a correct "absent".
  EXPECT_DOUBLE_EQ(all[1].dice, 1.0);
  EXPECT_DOUBLE_EQ(*all[1].hd95Mm, 0.0);
  EXPECT_DOUBLE_EQ(*all[1].assdMm, 0.0);
  // And the other way round.
  const LabelMetrics swapped = computeLabelMetrics(ref, pred, 1);
  EXPECT_DOUBLE_EQ(swapped.dice, 0.0);
  EXPECT_FALSE(swapped.hausdorffMm.has_value());
}

TEST(SegmentationMetricsTest, DifferentGridsAreRejected) {
  core::LabelMap ref = emptyMap({10, 10, 10}), pred = emptyMap({10, 10, 10}, {1, 1, 2});
  EXPECT_THROW(computeLabelMetrics(pred, ref, 1), core::Error);
}

TEST(SegmentationMetricsTest, SummaryLeavesUndefinedValuesOut) {
  const MetricSummary s = summarize({1.0, std::nullopt, 2.0, 3.0});
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(s.undefined, 1);
  EXPECT_DOUBLE_EQ(*s.mean, 2.0);
  EXPECT_DOUBLE_EQ(*s.std, std::sqrt(2.0 / 3.0));
  const MetricSummary none = summarize({std::nullopt});
  EXPECT_FALSE(none.mean.has_value());
  EXPECT_TRUE(toJson(none)["mean"].is_null());
  EXPECT_EQ(toJson(none)["undefined"], 1);
}

}  // namespace
}  // namespace aunet::imaging
