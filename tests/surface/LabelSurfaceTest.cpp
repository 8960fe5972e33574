// Surfaces of generated spheres and boxes: closed, consistently wound outwards, with
// the volume and centroid of the voxels, on straight, oblique and mirrored grids.

#include <gtest/gtest.h>

#include <cmath>

#include "core/Error.h"
#include "surface/LabelSurface.h"
#include "surface/MeshTopology.h"
#include "tests/surface/SurfaceTestSupport.h"

namespace aunet::surface {
namespace {

using namespace aunet::surface::test;

constexpr double kRadius = 30.0;

double minSpacing(const core::Geometry& g) { return std::min({g.spacing[0], g.spacing[1], g.spacing[2]}); }

// The checks every sphere must pass; returns the mesh for further checks.
Mesh expectClosedSphere(const core::LabelMap& mask, const core::Vec3& centre, const SurfaceOptions& options = {}) {
  const Mesh mesh = extractLabelSurface(mask, 1, options);
  EXPECT_FALSE(mesh.empty());
  EXPECT_EQ(badEdges(mesh), 0) << "edges not shared by exactly two opposite triangles";
  const Solid solid = solidOf(mesh);
  const double voxels = voxelVolume(mask, 1);
  EXPECT_GT(solid.volume, 0.0) << "normals point inwards";
  EXPECT_NEAR(solid.volume / voxels, 1.0, 0.02) << "mesh " << solid.volume << " mm3, voxels " << voxels << " mm3";
  const double tolerance = 0.5 * minSpacing(mask.geometry());
  for (int r = 0; r < 3; ++r) EXPECT_NEAR(solid.centroid[r], centre[r], tolerance) << "axis " << r;
  // Every vertex near the sphere itself: the geometry (direction, spacing, origin) is applied.
  double worst = 0;
  for (const auto& v : mesh.vertices)
    worst = std::max(worst, std::abs(std::hypot(v[0] - centre[0], v[1] - centre[1], v[2] - centre[2]) - kRadius));
  EXPECT_LT(worst, 1.5 * std::max({mask.geometry().spacing[0], mask.geometry().spacing[1], mask.geometry().spacing[2]}));
  return mesh;
}

TEST(LabelSurface, SphereOnAMillimetreGridIsClosedWithTheVoxelVolumeAndCentre) {
  const core::Vec3 centre{12.5, -40.25, 7.0};
  core::LabelMap mask(gridAround(centre, kRadius, {1.0, 1.0, 1.0}, {1, 0, 0, 0, 1, 0, 0, 0, 1}));
  paintSphere(mask, centre, kRadius, 1);
  const Mesh mesh = expectClosedSphere(mask, centre);
  // And close to the true sphere too (the voxels are within 1% of it at this size).
  EXPECT_NEAR(solidOf(mesh).volume / (4.0 / 3.0 * M_PI * std::pow(kRadius, 3)), 1.0, 0.02);
}

TEST(LabelSurface, SphereOnAnObliqueAnisotropicGrid) {
  const core::Vec3 centre{-20.0, 33.0, 101.5};
  core::LabelMap mask(gridAround(centre, kRadius, {0.9, 1.3, 1.7}, rotation(1, 2, 3, 37)));
  paintSphere(mask, centre, kRadius, 1);
  expectClosedSphere(mask, centre);
}

TEST(LabelSurface, MirroredGridStillGivesOutwardNormals) {
  // Direction with determinant -1 (as many DICOM-to-NIfTI conversions give): the
  // transform flips every triangle, and the mesh must be turned back.
  core::Mat3 d = rotation(0, 1, 1, 20);
  for (int r = 0; r < 3; ++r) d[3 * r + 1] = -d[3 * r + 1];
  const core::Vec3 centre{5.0, 6.0, -7.0};
  core::LabelMap mask(gridAround(centre, kRadius, {1.1, 0.8, 1.4}, d));
  paintSphere(mask, centre, kRadius, 1);
  expectClosedSphere(mask, centre);
}

TEST(LabelSurface, RawAndDecimatedSurfacesStayClosed) {
  const core::Vec3 centre{0, 0, 0};
  core::LabelMap mask(gridAround(centre, kRadius, {1.0, 1.0, 1.0}, {1, 0, 0, 0, 1, 0, 0, 0, 1}));
  paintSphere(mask, centre, kRadius, 1);
  SurfaceOptions raw;
  raw.smoothingIterations = 0;
  const Mesh steps = extractLabelSurface(mask, 1, raw);
  EXPECT_EQ(badEdges(steps), 0);
  EXPECT_NEAR(solidOf(steps).volume / voxelVolume(mask, 1), 1.0, 0.02);

  const Mesh full = extractLabelSurface(mask, 1);
  SurfaceOptions halve;
  halve.decimation = 0.5;
  const Mesh fewer = expectClosedSphere(mask, centre, halve);
  EXPECT_LT(fewer.triangles.size(), full.triangles.size() * 0.55);
  EXPECT_GT(fewer.triangles.size(), full.triangles.size() * 0.40);
}

TEST(LabelSurface, ACavityIsWoundTowardsItsCentreSoTheShellKeepsItsVolume) {
  // Inner faces wound like the outer ones would add the hole's volume instead of removing it.
  const core::Vec3 centre{1, 2, 3};
  core::LabelMap mask(gridAround(centre, kRadius, {1.0, 1.0, 1.0}, {1, 0, 0, 0, 1, 0, 0, 0, 1}));
  paintSphere(mask, centre, kRadius, 1, 15.0);
  const Mesh mesh = extractLabelSurface(mask, 1);
  EXPECT_EQ(badEdges(mesh), 0);
  EXPECT_NEAR(solidOf(mesh).volume / voxelVolume(mask, 1), 1.0, 0.02);
}

TEST(LabelSurface, ALabelFillingTheGridClosesAtItsEdgesAndNeighboursStayOut) {
  core::Geometry g;
  g.size = {10, 8, 6};
  g.spacing = {2.0, 1.0, 1.5};
  core::LabelMap mask(g);
  for (auto& v : mask.labels()) v = 3;
  SurfaceOptions raw;
  raw.smoothingIterations = 0;
  const Mesh box = extractLabelSurface(mask, 3, raw);
  EXPECT_EQ(badEdges(box), 0);
  // Vertices on edge midpoints cut the box's edges and corners: a few percent below.
  EXPECT_NEAR(solidOf(box).volume / voxelVolume(mask, 3), 1.0, 0.06);
  for (const auto& v : box.vertices) {
    EXPECT_GE(v[0], -1.0 - 1e-9);
    EXPECT_LE(v[0], 19.0 + 1e-9);
  }

  // Half of it another label: each surface encloses its own voxels only.
  for (int64_t k = 0; k < 6; ++k)
    for (int64_t j = 0; j < 8; ++j)
      for (int64_t i = 5; i < 10; ++i) mask.at(i, j, k) = 7;
  const double v3 = solidOf(extractLabelSurface(mask, 3, raw)).volume;
  const double v7 = solidOf(extractLabelSurface(mask, 7, raw)).volume;
  EXPECT_NEAR(v3, v7, 1e-6);
  EXPECT_NEAR(v3 / voxelVolume(mask, 3), 1.0, 0.08);
}

TEST(LabelSurface, AbsentLabelGivesAnEmptyMeshAndBadOptionsAreRefused) {
  core::Geometry g;
  g.size = {4, 4, 4};
  core::LabelMap mask(g);
  mask.at(1, 1, 1) = 1;
  EXPECT_TRUE(extractLabelSurface(mask, 2).empty());
  const Mesh voxel = extractLabelSurface(mask, 1, SurfaceOptions{0, 0.1, 0.0});
  EXPECT_EQ(badEdges(voxel), 0);
  EXPECT_GT(solidOf(voxel).volume, 0.0);
  EXPECT_THROW(extractLabelSurface(mask, 0), core::Error);
  EXPECT_THROW(extractLabelSurface(mask, 1, SurfaceOptions{-1, 0.1, 0.0}), core::Error);
  EXPECT_THROW(extractLabelSurface(mask, 1, SurfaceOptions{10, 0.1, 1.0}), core::Error);
  EXPECT_THROW(extractLabelSurface(mask, 1, SurfaceOptions{10, 0.1, -0.1}), core::Error);
}

TEST(MeshTopology, CountsOpenAndMisorientedEdgesLikeTheTestsOwnCheck) {
  const core::Vec3 centre{0, 0, 0};
  core::LabelMap mask(gridAround(centre, 10.0, {1.0, 1.0, 1.0}, {1, 0, 0, 0, 1, 0, 0, 0, 1}));
  paintSphere(mask, centre, 10.0, 1);
  Mesh mesh = extractLabelSurface(mask, 1);
  EXPECT_EQ(badEdgeCount(mesh), 0);
  std::swap(mesh.triangles[0][1], mesh.triangles[0][2]);  // one triangle wound the wrong way
  EXPECT_EQ(badEdgeCount(mesh), 3);
  EXPECT_EQ(badEdgeCount(mesh), badEdges(mesh));
  mesh.triangles.erase(mesh.triangles.begin());  // a hole
  EXPECT_EQ(badEdgeCount(mesh), 3);
  EXPECT_EQ(badEdgeCount(mesh), badEdges(mesh));
}

}  // namespace
}  // namespace aunet::surface
