// The editor's std-only algorithms: brush footprints round in mm on anisotropic grids,
// paint-over and threshold rules, line strokes without gaps, 2D flood fill, islands,
// shape-based interpolation between slices and the deltas that undo them exactly.
// (Components and distances are also checked against ITK in tests/io/ItkComparisonTest.cpp.)

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "imaging/BrushFootprint.h"
#include "imaging/IslandPick.h"
#include "imaging/LabelDelta.h"
#include "imaging/MaskPainting.h"
#include "imaging/SliceFloodFill.h"
#include "imaging/SliceInterpolation.h"

namespace aunet::imaging {
namespace {

core::Geometry grid(core::Index3 size, core::Vec3 spacing = {1, 1, 1}) {
  core::Geometry g;
  g.size = size;
  g.spacing = spacing;
  return g;
}

int64_t countLabel(const core::LabelMap& m, uint16_t v) { return m.count(v); }

TEST(BrushFootprint, DiscIsRoundInMillimetres) {
  // 0.5 x 1 mm pixels: a 10 mm disc reaches 10 voxels along i and 5 along j.
  const BrushFootprint disc = BrushFootprint::round({0.5, 1.0, 3.0}, 10.0, 2);
  EXPECT_EQ(disc.radiusVoxels(), (core::Index3{10, 5, 0}));
  for (const auto& o : disc.offsets) {
    EXPECT_EQ(o[2], 0);
    EXPECT_LE(std::hypot(o[0] * 0.5, o[1] * 1.0), 5.0 + 1e-9);
  }
  // Its area approaches pi r^2 (25 pi mm^2 = 157 pixels of 0.5 mm^2).
  EXPECT_NEAR(static_cast<double>(disc.offsets.size()) * 0.5, M_PI * 25.0, 8.0);
  // The sphere spans the slices too; a brush smaller than a voxel is the voxel.
  const BrushFootprint sphere = BrushFootprint::round({0.5, 1.0, 3.0}, 10.0, -1);
  EXPECT_EQ(sphere.radiusVoxels(), (core::Index3{10, 5, 1}));
  EXPECT_NEAR(static_cast<double>(sphere.offsets.size()) * 1.5, 4.0 / 3.0 * M_PI * 125.0, 60.0);
  EXPECT_EQ(BrushFootprint::round({1, 1, 1}, 0.3, 2).offsets.size(), 1u);
}

TEST(MaskPainting, RulesDecideWhatIsPaintedAndDeltasUndoExactly) {
  core::LabelMap m(grid({20, 20, 3}));
  for (int64_t i = 0; i < 10; ++i)
    for (int64_t j = 0; j < 20; ++j) m.at(i, j, 1) = 2;  // left half is label 2
  const core::LabelMap original = m;
  const BrushFootprint disc = BrushFootprint::round({1, 1, 1}, 9.0, 2);  // r = 4.5 voxels

  PaintRule background;
  background.over = PaintOver::Background;
  LabelDelta d1;
  const int64_t painted = paintFootprint(m, nullptr, {10, 10, 1}, disc, 1, background, d1);
  EXPECT_GT(painted, 0);
  EXPECT_EQ(countLabel(m, 2), 200);  // label 2 untouched
  for (int64_t i = 0; i < 10; ++i) EXPECT_EQ(m.at(i, 10, 1), 2);
  EXPECT_EQ(m.at(14, 10, 1), 1);

  PaintRule onlyTwo;
  onlyTwo.over = PaintOver::OneLabel;
  onlyTwo.overLabel = 2;
  LabelDelta d2;
  paintFootprint(m, nullptr, {10, 10, 1}, disc, 3, onlyTwo, d2);
  EXPECT_EQ(m.at(8, 10, 1), 3);
  EXPECT_EQ(m.at(12, 10, 1), 1);  // label 1 kept: only 2 may be painted over
  EXPECT_EQ(m.at(10, 10, 0), 0);  // a disc stays in its slice

  // Threshold: intensity = i; only 12..13 may be painted.
  std::vector<float> intensity(static_cast<size_t>(m.geometry().voxelCount()));
  for (int64_t k = 0; k < 3; ++k)
    for (int64_t j = 0; j < 20; ++j)
      for (int64_t i = 0; i < 20; ++i) intensity[static_cast<size_t>(m.geometry().offset(i, j, k))] = static_cast<float>(i);
  PaintRule band;
  band.threshold = true;
  band.low = 12;
  band.high = 13;
  LabelDelta d3;
  paintFootprint(m, intensity.data(), {12, 10, 2}, disc, 5, band, d3);
  for (const int64_t o : d3.offsets()) {
    const float v = intensity[static_cast<size_t>(o)];
    EXPECT_TRUE(v >= 12 && v <= 13) << v;
  }
  EXPECT_GT(d3.size(), 10u);

  d3.revert(m);
  d2.revert(m);
  d1.revert(m);
  EXPECT_EQ(m.labels(), original.labels());
  d1.apply(m);
  d2.apply(m);
  EXPECT_EQ(m.at(8, 10, 1), 3);
}

TEST(MaskPainting, LineLeavesNoGaps) {
  core::LabelMap m(grid({64, 16, 1}));
  LabelDelta d;
  paintLine(m, nullptr, {2, 8, 0}, {60, 8, 0}, BrushFootprint::round({1, 1, 1}, 1.0, 2), 1, PaintRule{}, d, false);
  for (int64_t i = 2; i <= 60; ++i) EXPECT_EQ(m.at(i, 8, 0), 1) << i;
  EXPECT_EQ(m.count(1), 59);
}

TEST(SliceFloodFill, FillsTheInsideOfAnOutlineOnly) {
  core::LabelMap m(grid({20, 20, 3}));
  // A square outline of label 1 from 5 to 14 on slice 1, and the same area empty elsewhere.
  for (int64_t t = 5; t <= 14; ++t) m.at(t, 5, 1) = m.at(t, 14, 1) = m.at(5, t, 1) = m.at(14, t, 1) = 1;
  LabelDelta d;
  const int64_t filled = floodFillSlice(m, nullptr, {9, 9, 1}, 2, 1, PaintRule{}, d);
  EXPECT_EQ(filled, 8 * 8);
  EXPECT_EQ(m.count(1), 100);
  EXPECT_EQ(m.at(9, 9, 0), 0);
  EXPECT_EQ(m.at(2, 2, 1), 0);  // outside the outline
  // Filling the background outside: everything but the square on that slice.
  LabelDelta d2;
  EXPECT_EQ(floodFillSlice(m, nullptr, {0, 0, 1}, 2, 3, PaintRule{}, d2), 400 - 100);
  // Another plane: a coronal fill (normal j) stays in its slice.
  LabelDelta d3;
  // Row k = 1 of that plane holds 3 now, so the fill stays in row k = 0.
  EXPECT_EQ(floodFillSlice(m, nullptr, {9, 0, 0}, 1, 4, PaintRule{}, d3), 20);
}

TEST(IslandPick, RemovesOrKeepsTheClickedComponent) {
  core::LabelMap m(grid({12, 12, 12}));
  for (int64_t k = 1; k < 4; ++k)
    for (int64_t j = 1; j < 4; ++j)
      for (int64_t i = 1; i < 4; ++i) m.at(i, j, k) = 1;  // 27 voxels
  m.at(4, 4, 4) = 1;  // touches the cube diagonally: same component (26-connected)
  for (int64_t i = 7; i < 11; ++i) m.at(i, 8, 8) = 1;  // a separate island of 4
  m.at(9, 9, 8) = 2;  // another label next to it: not part of it
  EXPECT_EQ(connectedComponentAt(m, {2, 2, 2}).size(), 28u);
  EXPECT_EQ(connectedComponentAt(m, {0, 0, 0}).size(), 0u);
  const core::LabelMap original = m;
  LabelDelta d;
  EXPECT_EQ(removeIsland(m, {8, 8, 8}, d), 4);
  EXPECT_EQ(m.count(1), 28);
  EXPECT_EQ(m.at(9, 9, 8), 2);
  d.revert(m);
  LabelDelta keep;
  EXPECT_EQ(keepIsland(m, {8, 8, 8}, keep), 28);
  EXPECT_EQ(m.count(1), 4);
  EXPECT_EQ(m.count(2), 1);
  keep.revert(m);
  EXPECT_EQ(m.labels(), original.labels());
}

// A disc of radius r centred at (cx, cy) on slice k.
void disc(core::LabelMap& m, int64_t k, double cx, double cy, double r, uint16_t v) {
  const auto& g = m.geometry();
  for (int64_t j = 0; j < g.size[1]; ++j)
    for (int64_t i = 0; i < g.size[0]; ++i)
      if (std::hypot(i - cx, j - cy) <= r) m.at(i, j, k) = v;
}

// Two overlapping discs 10 slices apart: centre 26 -> 34, radius 9 -> 14. With signed
// distances d = |x - c| - r, the blend's edges along the line of centres move exactly
// linearly (left edge 17 -> 20, right edge 35 -> 48), so every slice between holds a
// disc that has moved and grown by its share. A blend of the masks (average >= 0.5)
// would instead keep the first disc unchanged up to the middle slice.
TEST(SliceInterpolation, AShapeMovesAndGrowsThroughTheGap) {
  core::LabelMap m(grid({64, 64, 11}));
  disc(m, 0, 26, 32, 9, 1);
  disc(m, 10, 34, 32, 14, 1);
  LabelDelta d;
  const int64_t filled = interpolateBetweenSlices(m, 1, 2, PaintRule{}, d);
  EXPECT_GT(filled, 0);
  for (int64_t k = 1; k < 10; ++k) {
    const double t = k / 10.0, left = 17 + 3 * t, right = 35 + 13 * t, r = 9 + 5 * t;
    int64_t first = -1, last = -1, count = 0;
    for (int64_t i = 0; i < 64; ++i)
      if (m.at(i, 32, k) == 1) {
        if (first < 0) first = i;
        last = i;
      }
    for (int64_t j = 0; j < 64; ++j)
      for (int64_t i = 0; i < 64; ++i) count += m.at(i, j, k) == 1;
    EXPECT_NEAR(static_cast<double>(first), left, 1.0) << "slice " << k;
    EXPECT_NEAR(static_cast<double>(last), right, 1.0) << "slice " << k;
    EXPECT_NEAR(std::sqrt(static_cast<double>(count) / M_PI), r, 1.0) << "slice " << k;
  }
  // Where a mask blend would still end (the first disc's right edge, 35), the shape
  // has grown past it by slice 3.
  EXPECT_EQ(m.at(38, 32, 3), 1);
  d.revert(m);
  int64_t between = 0;
  for (int64_t k = 1; k < 10; ++k)
    for (int64_t j = 0; j < 64; ++j)
      for (int64_t i = 0; i < 64; ++i) between += m.at(i, j, k);
  EXPECT_EQ(between, 0);
}

TEST(SliceInterpolation, OnlyBetweenDrawnSlicesAndWithTheRule) {
  core::LabelMap m(grid({32, 32, 8}, {0.8, 0.8, 3.0}));
  disc(m, 1, 16, 16, 5, 1);
  disc(m, 4, 16, 16, 5, 1);
  m.at(16, 16, 2) = 2;  // another label inside the gap
  PaintRule background;
  background.over = PaintOver::Background;
  LabelDelta d;
  interpolateBetweenSlices(m, 1, 2, background, d);
  EXPECT_EQ(m.at(16, 16, 2), 2);
  EXPECT_EQ(m.at(15, 16, 2), 1);
  EXPECT_EQ(m.at(16, 16, 3), 1);
  EXPECT_EQ(m.at(16, 16, 0), 0);  // outside the drawn range
  EXPECT_EQ(m.at(16, 16, 6), 0);
}

}  // namespace
}  // namespace aunet::imaging
