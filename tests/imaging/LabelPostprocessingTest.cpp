// keepLargestComponent: the big blob of a listed label survives, smaller ones of the
// same label go, other labels stay; 26-connectivity (8 in one slice); and a brute-force
// flood fill agrees on random label maps.

#include <gtest/gtest.h>

#include <array>
#include <deque>
#include <random>

#include "imaging/LabelPostprocessing.h"

namespace aunet::imaging {
namespace {

core::LabelMap emptyMap(core::Index3 size) {
  core::Geometry g;
  g.size = size;
  g.spacing = {0.8, 0.9, 2.0};
  g.origin = {1, 2, 3};
  return core::LabelMap(g);
}

void paintBall(core::LabelMap& map, core::Vec3 centre, double radius, uint16_t label) {
  const auto& g = map.geometry();
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const double x = i - centre[0], y = j - centre[1], z = k - centre[2];
        if (x * x + y * y + z * z <= radius * radius) map.at(i, j, k) = label;
      }
}

// Reference implementation: breadth-first flood fill per component, 26-neighbourhood.
core::LabelMap bruteForceLargest(const core::LabelMap& in, const std::vector<int>& values) {
  core::LabelMap out = in;
  const auto& g = in.geometry();
  for (int value : values) {
    std::vector<int> component(in.labels().size(), -1);
    std::vector<int64_t> sizes;
    for (int64_t start = 0; start < g.voxelCount(); ++start) {
      if (in.labels()[start] != value || component[start] >= 0) continue;
      const int id = static_cast<int>(sizes.size());
      sizes.push_back(0);
      std::deque<int64_t> queue{start};
      component[start] = id;
      while (!queue.empty()) {
        const int64_t o = queue.front();
        queue.pop_front();
        ++sizes[id];
        const int64_t i = o % g.size[0], j = (o / g.size[0]) % g.size[1], k = o / (g.size[0] * g.size[1]);
        for (int dk = -1; dk <= 1; ++dk)
          for (int dj = -1; dj <= 1; ++dj)
            for (int di = -1; di <= 1; ++di) {
              const int64_t a = i + di, b = j + dj, c = k + dk;
              if (a < 0 || b < 0 || c < 0 || a >= g.size[0] || b >= g.size[1] || c >= g.size[2]) continue;
              const int64_t n = g.offset(a, b, c);
              if (in.labels()[n] == value && component[n] < 0) {
                component[n] = id;
                queue.push_back(n);
              }
            }
      }
    }
    int best = -1;
    for (int id = 0; id < static_cast<int>(sizes.size()); ++id)
      if (best < 0 || sizes[id] > sizes[best]) best = id;
    for (int64_t o = 0; o < g.voxelCount(); ++o)
      if (in.labels()[o] == value && component[o] != best) out.labels()[o] = 0;
  }
  return out;
}

TEST(LabelPostprocessingTest, KeepsTheBigBlobRemovesTheSmallOneAndLeavesOtherLabels) {
  core::LabelMap map = emptyMap({40, 36, 30});
  map.metadata().sourcePath = "kept.nii.gz";
  paintBall(map, {12, 12, 12}, 7, 1);  // big blob of label 1
  paintBall(map, {32, 28, 24}, 2, 1);  // small island of label 1
  paintBall(map, {30, 8, 8}, 3, 2);    // label 2: two blobs, not listed
  paintBall(map, {8, 30, 24}, 2, 2);
  paintBall(map, {30, 28, 8}, 4, 3);   // label 3: one blob, listed
  const int64_t big1 = [&] {
    core::LabelMap only = emptyMap(map.geometry().size);
    paintBall(only, {12, 12, 12}, 7, 1);
    return only.count(1);
  }();

  const core::LabelMap out = keepLargestComponent(map, {1, 3});
  EXPECT_EQ(out.count(1), big1);
  EXPECT_EQ(out.at(12, 12, 12), 1);
  EXPECT_EQ(out.at(32, 28, 24), 0) << "small island of label 1 survived";
  EXPECT_EQ(out.count(2), map.count(2)) << "an unlisted label was touched";
  EXPECT_EQ(out.count(3), map.count(3));
  for (size_t o = 0; o < map.labels().size(); ++o)
    if (map.labels()[o] != 1) ASSERT_EQ(out.labels()[o], map.labels()[o]) << "voxel " << o;
  EXPECT_TRUE(out.geometry().sameGrid(map.geometry()));
  EXPECT_EQ(out.metadata().sourcePath, "kept.nii.gz");
}

TEST(LabelPostprocessingTest, CornerNeighboursAreConnectedIn3D) {
  core::LabelMap map = emptyMap({6, 6, 6});
  map.at(1, 1, 1) = map.at(2, 2, 2) = map.at(3, 3, 3) = 4;  // a diagonal line, touching at corners
  map.at(5, 0, 0) = map.at(5, 1, 0) = 4;                    // two face neighbours
  const core::LabelMap out = keepLargestComponent(map, {4});
  EXPECT_EQ(out.count(4), 3);
  EXPECT_EQ(out.at(3, 3, 3), 4);
  EXPECT_EQ(out.at(5, 0, 0), 0);
}

TEST(LabelPostprocessingTest, DiagonalNeighboursAreConnectedInOneSlice) {
  core::LabelMap map = emptyMap({8, 8, 1});
  for (int d = 0; d < 4; ++d) map.at(d, d, 0) = 2;  // 4 voxels touching at corners
  for (int i = 5; i < 8; ++i) map.at(i, 7, 0) = 2;  // 3 voxels in a row
  const core::LabelMap out = keepLargestComponent(map, {2});
  EXPECT_EQ(out.count(2), 4);
  EXPECT_EQ(out.at(6, 7, 0), 0);
}

TEST(LabelPostprocessingTest, OtherLabelsDoNotBridgeComponents) {
  core::LabelMap map = emptyMap({12, 3, 1});
  for (int i = 0; i < 5; ++i) map.at(i, 1, 0) = 1;   // 5 voxels
  map.at(5, 1, 0) = 2;                               // a different label in between
  for (int i = 6; i < 9; ++i) map.at(i, 1, 0) = 1;   // 3 voxels
  const core::LabelMap out = keepLargestComponent(map, {1, 2});
  EXPECT_EQ(out.count(1), 5);
  EXPECT_EQ(out.at(7, 1, 0), 0);
  EXPECT_EQ(out.at(5, 1, 0), 2);
}

TEST(LabelPostprocessingTest, EqualSizesKeepTheFirstInVoxelOrder) {
  core::LabelMap map = emptyMap({10, 4, 4});
  map.at(7, 0, 0) = map.at(8, 0, 0) = 1;  // first in voxel order
  map.at(1, 3, 3) = map.at(2, 3, 3) = 1;
  const core::LabelMap out = keepLargestComponent(map, {1});
  EXPECT_EQ(out.at(7, 0, 0), 1);
  EXPECT_EQ(out.at(1, 3, 3), 0);
}

TEST(LabelPostprocessingTest, UnlistedAbsentAndZeroLabelsChangeNothing) {
  core::LabelMap map = emptyMap({5, 5, 5});
  map.at(0, 0, 0) = map.at(4, 4, 4) = 1;
  EXPECT_EQ(keepLargestComponent(map, {}).labels(), map.labels());
  EXPECT_EQ(keepLargestComponent(map, {0, 7, 70000, -3}).labels(), map.labels());
}

TEST(LabelPostprocessingTest, AgreesWithFloodFillOnRandomLabelMaps) {
  std::mt19937 rng(1234);
  for (const core::Index3 size : {core::Index3{17, 13, 11}, core::Index3{31, 29, 1}, core::Index3{9, 21, 14}}) {
    for (double density : {0.15, 0.3, 0.45}) {
      core::LabelMap map = emptyMap(size);
      std::uniform_real_distribution<double> u(0, 1);
      for (auto& v : map.labels()) v = u(rng) < density ? static_cast<uint16_t>(1 + rng() % 3) : 0;
      const core::LabelMap expected = bruteForceLargest(map, {1, 3});
      const core::LabelMap out = keepLargestComponent(map, {1, 3});
      ASSERT_EQ(out.labels(), expected.labels()) << "size " << size[0] << "x" << size[1] << "x" << size[2]
                                                 << " density " << density;
    }
  }
}

}  // namespace
}  // namespace aunet::imaging
