// Geometry: index <-> physical conversions in LPS, grid comparison, validation.

#include <gtest/gtest.h>

#include <cmath>

#include "core/Error.h"
#include "core/Geometry.h"
#include "core/Phantom.h"

namespace aunet::core {
namespace {

Geometry oblique() {
  Geometry g;
  g.size = {20, 30, 10};
  g.spacing = {0.8, 1.1, 2.5};
  g.origin = {-100.0, 50.0, 12.5};
  const double a = 0.3;  // rotation about z
  g.direction = {std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
  return g;
}

TEST(GeometryTest, IndexToPhysicalFollowsOriginSpacingAndDirection) {
  const Geometry g = oblique();
  const Vec3 p0 = g.indexToPhysical({0, 0, 0});
  EXPECT_DOUBLE_EQ(p0[0], -100.0);
  EXPECT_DOUBLE_EQ(p0[2], 12.5);
  // One step along i moves spacing[0] mm along the first direction column.
  const Vec3 p1 = g.indexToPhysical({1, 0, 0});
  EXPECT_NEAR(p1[0] - p0[0], 0.8 * std::cos(0.3), 1e-12);
  EXPECT_NEAR(p1[1] - p0[1], 0.8 * std::sin(0.3), 1e-12);
  const Vec3 p2 = g.indexToPhysical({0, 0, 2});
  EXPECT_NEAR(p2[2] - p0[2], 5.0, 1e-12);
}

TEST(GeometryTest, PhysicalToIndexInvertsIndexToPhysical) {
  const Geometry g = oblique();
  for (const Vec3 index : {Vec3{0, 0, 0}, Vec3{3.5, 17.25, 9}, Vec3{-2, 40, 0.5}}) {
    const Vec3 back = g.physicalToIndex(g.indexToPhysical(index));
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(back[a], index[a], 1e-9);
  }
}

TEST(GeometryTest, SameGridUsesTolerance) {
  const Geometry a = oblique();
  Geometry b = a;
  EXPECT_TRUE(a.sameGrid(b));
  b.origin[1] += 1e-6;
  EXPECT_TRUE(a.sameGrid(b));
  b.origin[1] += 0.5;
  EXPECT_FALSE(a.sameGrid(b));
  b = a;
  b.size[2] = 11;
  EXPECT_FALSE(a.sameGrid(b));
  b = a;
  b.direction[0] = -b.direction[0];
  EXPECT_FALSE(a.sameGrid(b));
}

TEST(GeometryTest, ValidateRejectsBadGrids) {
  Geometry g = oblique();
  EXPECT_NO_THROW(g.validate("ok.nii"));
  g.spacing[1] = 0.0;
  EXPECT_THROW(g.validate("bad.nii"), Error);
  g = oblique();
  g.size[0] = -3;
  try {
    g.validate("bad.nii");
    FAIL() << "negative size accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.nii"), std::string::npos);
  }
  g = oblique();
  g.direction[0] = 2.0;
  EXPECT_THROW(g.validate("skewed.nii"), Error);
}

TEST(GeometryTest, OrientationCodeUsesItkLetters) {
  Geometry g;
  EXPECT_EQ(g.orientationCode(), "RAI");  // identity in LPS
  g.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
  EXPECT_EQ(g.orientationCode(), "LPI");  // RAS-stored NIfTI seen from ITK
}

TEST(PhantomTest, LabelsMatchIntensityClasses) {
  Geometry g;
  g.size = {32, 28, 24};
  const Phantom p = Phantom::ellipsoids(g, 5, 0.0);
  EXPECT_GT(p.labels.count(1), 1000);
  EXPECT_GT(p.labels.count(2), 50);
  EXPECT_EQ(p.labels.maxLabel(), 2);
  for (int64_t v = 0; v < g.voxelCount(); ++v) {
    const float expected = p.labels.data()[v] == 0 ? 10.f : p.labels.data()[v] == 1 ? 100.f : 160.f;
    ASSERT_EQ(p.image.data()[v], expected);
  }
  // Different seeds move the shapes.
  const Phantom q = Phantom::ellipsoids(g, 6, 0.0);
  EXPECT_NE(p.labels.labels(), q.labels.labels());
}

}  // namespace
}  // namespace aunet::core
