// Moving images and masks between grids through physical space, and exact
// reorientation.

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "imaging/ImageResampler.h"
#include "imaging/Reorientation.h"
#include "core/Error.h"
#include "core/ThreadCount.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::imaging {
namespace {

using namespace aunet::io::test;

TEST(Resampler, SameGridIsTheIdentity) {
  const core::Geometry g = obliqueGeometry();
  const core::Volume v = ellipsoidVolume(g, 2);
  EXPECT_EQ(resample(v, g, Interpolation::Linear).voxels(), v.voxels());
  EXPECT_EQ(resample(v, g, Interpolation::Nearest).voxels(), v.voxels());
  const core::LabelMap l = ellipsoidLabels(g, 4, 9);
  EXPECT_EQ(resample(l, g).labels(), l.labels());
}

TEST(Resampler, LinearIsExactOnALinearRamp) {
  core::Geometry g = obliqueGeometry({20, 20, 20});
  core::Volume ramp(g, 1);
  // A function linear in physical space is reproduced exactly by trilinear
  // interpolation anywhere inside.
  auto f = [](const core::Vec3& p) { return 0.5 * p[0] - 0.25 * p[1] + 0.125 * p[2]; };
  for (int64_t k = 0; k < 20; ++k)
    for (int64_t j = 0; j < 20; ++j)
      for (int64_t i = 0; i < 20; ++i) ramp.at(i, j, k) = static_cast<float>(f(g.indexToPhysical({double(i), double(j), double(k)})));
  core::Geometry target = withSpacing(g, {1.1, 0.9, 1.7});
  const core::Volume out = resample(ramp, target);
  int checked = 0;
  for (int64_t k = 2; k < target.size[2] - 2; ++k)
    for (int64_t j = 2; j < target.size[1] - 2; ++j)
      for (int64_t i = 2; i < target.size[0] - 2; ++i) {
        const core::Vec3 p = target.indexToPhysical({double(i), double(j), double(k)});
        const core::Vec3 x = g.physicalToIndex(p);
        if (x[0] < 0 || x[1] < 0 || x[2] < 0 || x[0] > 19 || x[1] > 19 || x[2] > 19) continue;
        EXPECT_NEAR(out.at(i, j, k), f(p), 1e-3);
        ++checked;
      }
  EXPECT_GT(checked, 1000);
}

TEST(Resampler, WithSpacingKeepsTheFieldOfView) {
  const core::Geometry g = obliqueGeometry({40, 30, 20});
  const core::Geometry t = withSpacing(g, {1.5, 2.5, 1.25});
  EXPECT_EQ(t.size, (core::Index3{20, 15, 40}));
  // The outer corner of voxel (0,0,0) stays in place.
  const core::Vec3 a = g.indexToPhysical({-0.5, -0.5, -0.5});
  const core::Vec3 b = t.indexToPhysical({-0.5, -0.5, -0.5});
  for (int r = 0; r < 3; ++r) EXPECT_NEAR(a[r], b[r], 1e-9);
  EXPECT_THROW(withSpacing(g, {1, 0, 1}), core::Error);
}

TEST(Resampler, MaskThereAndBackKeepsDiceAbove099) {
  core::Geometry g = obliqueGeometry({96, 80, 64});
  g.spacing = {1.0, 1.0, 1.0};
  const core::LabelMap mask = ellipsoidLabels(g, 1, 0);
  const core::LabelMap coarse = resampleToSpacing(mask, {0.8, 1.3, 0.9});
  const core::LabelMap back = resample(coarse, g);
  EXPECT_GT(dice(mask, back, 1), 0.99);
}

TEST(Reorientation, PermutesAndFlipsExactlyAndBack) {
  const core::Geometry g = obliqueGeometry({7, 6, 5});
  const core::Volume v = ellipsoidVolume(g, 2);
  ASSERT_EQ(g.orientationCode(), "RAI");  // oblique, but closest to LPS
  for (const std::string code : {"LPI", "RAI", "SAR", "PIL"}) {
    const core::Volume r = reorient(v, code);
    EXPECT_EQ(r.geometry().orientationCode(), code);
    // Every voxel keeps its physical position.
    for (int64_t k = 0; k < r.geometry().size[2]; ++k)
      for (int64_t j = 0; j < r.geometry().size[1]; ++j)
        for (int64_t i = 0; i < r.geometry().size[0]; ++i) {
          const core::Vec3 x = g.physicalToIndex(r.geometry().indexToPhysical({double(i), double(j), double(k)}));
          const int64_t ii = std::llround(x[0]), jj = std::llround(x[1]), kk = std::llround(x[2]);
          ASSERT_NEAR(x[0], ii, 1e-9);
          ASSERT_NEAR(x[1], jj, 1e-9);
          ASSERT_NEAR(x[2], kk, 1e-9);
          ASSERT_EQ(r.at(i, j, k, 1), v.at(ii, jj, kk, 1));
        }
    const core::Volume back = reorient(r, g.orientationCode());
    EXPECT_TRUE(back.geometry().sameGrid(g, 1e-12));
    EXPECT_EQ(back.voxels(), v.voxels());
  }
  EXPECT_THROW(reorient(v, "RRA"), core::Error);
  EXPECT_THROW(reorient(v, "XYZ"), core::Error);
}


}  // namespace
}  // namespace aunet::imaging

namespace aunet::imaging {
namespace {

// --threads bounds the resampler's pool (core/ThreadCount.h), and the result does not
// depend on the count.
TEST(Resampler, ThreadBudgetChangesNothingButTheThreads) {
  const core::Geometry in = io::test::obliqueGeometry({23, 19, 11});
  const core::Volume v = io::test::ellipsoidVolume(in);
  core::Geometry target = in;
  target.spacing = {0.6, 0.9, 1.7};
  target.size = {29, 27, 17};
  core::setThreadCount(1);
  EXPECT_EQ(core::threadCount(), 1);
  const core::Volume one = resample(v, target, Interpolation::Linear);
  core::setThreadCount(3);
  EXPECT_EQ(core::threadCount(), 3);
  const core::Volume three = resample(v, target, Interpolation::Linear);
  core::setThreadCount(0);
  EXPECT_GE(core::threadCount(), 1);
  EXPECT_EQ(one.voxels(), three.voxels());
}

}  // namespace
}  // namespace aunet::imaging
