// Cropping to the non-zero region and padding back: exact voxels, exact physical
// positions on an oblique grid, and a round trip through a file.

#include <gtest/gtest.h>

#include "imaging/ForegroundCrop.h"
#include "io/ImageReader.h"
#include "imaging/ImageResampler.h"
#include "io/ImageWriter.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::imaging {
namespace {

using namespace aunet::io::test;

// Zero background; a block [5, 10] x [3, 7] x [2, 4] of distinct non-zero values.
core::Volume blockVolume(const core::Geometry& g, int channels = 1) {
  core::Volume v(g, channels, core::PixelType::Int16);
  for (int64_t k = 2; k <= 4; ++k)
    for (int64_t j = 3; j <= 7; ++j)
      for (int64_t i = 5; i <= 10; ++i) v.at(i, j, k) = static_cast<float>(1 + i + 100 * j + 1000 * k);
  return v;
}

core::LabelMap blockLabels(const core::Geometry& g) {
  core::LabelMap l(g);
  for (int64_t k = 2; k <= 4; ++k)
    for (int64_t j = 3; j <= 7; ++j)
      for (int64_t i = 5; i <= 10; ++i) l.at(i, j, k) = (i + j) % 2 ? 2 : 1;
  return l;
}

TEST(ForegroundCrop, BoundingBoxOfNonZeroVoxelsWithMargin) {
  const core::Geometry g = obliqueGeometry({23, 19, 11});
  const core::Volume v = blockVolume(g);
  EXPECT_EQ(nonZeroBoundingBox(v), (CropBox{{5, 3, 2}, {6, 5, 3}}));
  // A margin grows the box and is clipped at the grid's edges.
  EXPECT_EQ(nonZeroBoundingBox(v, {2, 4, 1}), (CropBox{{3, 0, 1}, {10, 12, 5}}));
  EXPECT_EQ(nonZeroBoundingBox(v, {100, 100, 100}), (CropBox{{0, 0, 0}, g.size}));
  EXPECT_EQ(nonZeroBoundingBox(blockLabels(g)), (CropBox{{5, 3, 2}, {6, 5, 3}}));
  // A second channel's non-zero voxels count too.
  core::Volume two = blockVolume(g, 2);
  two.at(20, 18, 0, 1) = -1.f;
  EXPECT_EQ(nonZeroBoundingBox(two), (CropBox{{5, 3, 0}, {16, 16, 5}}));
  // Nothing non-zero: the whole grid.
  EXPECT_EQ(nonZeroBoundingBox(core::Volume(g, 1)), (CropBox{{0, 0, 0}, g.size}));
  EXPECT_THROW(nonZeroBoundingBox(v, {-1, 0, 0}), core::Error);
}

TEST(ForegroundCrop, CroppedVoxelsKeepTheirPhysicalPositions) {
  const core::Geometry g = obliqueGeometry({23, 19, 11});
  const CropBox box{{4, 2, 1}, {9, 7, 6}};
  const core::Geometry c = croppedGeometry(g, box);
  EXPECT_EQ(c.size, box.size);
  EXPECT_EQ(c.spacing, g.spacing);
  EXPECT_EQ(c.direction, g.direction);
  for (int64_t k = 0; k < c.size[2]; ++k)
    for (int64_t j = 0; j < c.size[1]; ++j)
      for (int64_t i = 0; i < c.size[0]; ++i) {
        const core::Vec3 p = c.indexToPhysical({double(i), double(j), double(k)});
        const core::Vec3 q = g.indexToPhysical({double(i + 4), double(j + 2), double(k + 1)});
        for (int r = 0; r < 3; ++r) ASSERT_NEAR(p[r], q[r], 1e-9);
      }
  EXPECT_THROW(croppedGeometry(g, CropBox{{20, 0, 0}, {4, 1, 1}}), core::Error);
  EXPECT_THROW(croppedGeometry(g, CropBox{{0, 0, 0}, {0, 1, 1}}), core::Error);
}

TEST(ForegroundCrop, CropThenPadBackIsTheIdentity) {
  const core::Geometry g = obliqueGeometry({23, 19, 11});
  core::Volume v = blockVolume(g, 2);
  v.metadata().modality = "CT";
  const core::LabelMap l = blockLabels(g);
  const CroppedCase cropped = cropToNonZero(v, &l, {1, 1, 1});
  EXPECT_EQ(cropped.box, (CropBox{{4, 2, 1}, {8, 7, 5}}));
  EXPECT_TRUE(cropped.original.sameGrid(g, 0));
  EXPECT_EQ(cropped.image.originalType(), core::PixelType::Int16);
  EXPECT_EQ(cropped.image.metadata().modality, "CT");
  // Every cropped voxel is the original voxel at the shifted index.
  for (int64_t k = 0; k < 5; ++k)
    for (int64_t j = 0; j < 7; ++j)
      for (int64_t i = 0; i < 8; ++i) {
        ASSERT_EQ(cropped.image.at(i, j, k, 0), v.at(i + 4, j + 2, k + 1, 0));
        ASSERT_EQ(cropped.labels.at(i, j, k), l.at(i + 4, j + 2, k + 1));
      }
  // Padding back restores everything: inside the box exactly, outside it was 0.
  const core::Volume back = padToOriginal(cropped.image, cropped.original, cropped.box);
  EXPECT_TRUE(back.geometry().sameGrid(g, 0));
  EXPECT_EQ(back.voxels(), v.voxels());
  EXPECT_EQ(padToOriginal(cropped.labels, cropped.original, cropped.box).labels(), l.labels());
  // A fill value lands outside the box only.
  const core::LabelMap filled = padToOriginal(cropped.labels, g, cropped.box, 9);
  EXPECT_EQ(filled.at(0, 0, 0), 9);
  EXPECT_EQ(filled.at(5, 3, 2), l.at(5, 3, 2));
}

TEST(ForegroundCrop, PaddingOntoTheWrongBoxIsAnError) {
  const core::Geometry g = obliqueGeometry({23, 19, 11});
  const core::Volume v = blockVolume(g);
  const CropBox box = nonZeroBoundingBox(v);
  const core::Volume c = crop(v, box);
  CropBox shifted = box;
  shifted.begin[0] += 1;
  EXPECT_THROW(padToOriginal(c, g, shifted), core::Error);
  core::LabelMap other(obliqueGeometry({23, 19, 12}));
  EXPECT_THROW(cropToNonZero(v, &other), core::Error);
}

}  // namespace
}  // namespace aunet::imaging
