// Files and grids together: what io writes and reads lines up through physical space
// with what imaging computes (crops, resampling, reorientation), on generated data and
// on the shared DICOM series with its NIfTI segmentation.

#include <gtest/gtest.h>

#include <map>

#include "core/Error.h"
#include "imaging/ForegroundCrop.h"
#include "imaging/ImageResampler.h"
#include "imaging/Reorientation.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

using namespace aunet::io::test;

class GridAlignmentFiles : public ScratchTest {};


// The cropped file, read back and mapped onto the original grid through physical
// space by any viewer, lands exactly where padToOriginal puts it.
TEST_F(GridAlignmentFiles, CroppedFileLinesUpWithTheOriginalThroughPhysicalSpace) {
  const core::Geometry g = obliqueGeometry({23, 19, 11});
  core::LabelMap l(g);
  for (int64_t v = 0; v < g.voxelCount(); v += 7) l.data()[v] = static_cast<uint16_t>(1 + v % 3);
  for (int64_t v = 0; v < g.voxelCount(); ++v)
    if (l.data()[v] && (v % 23 < 4 || v % 23 > 18)) l.data()[v] = 0;  // an empty margin to crop
  const imaging::CropBox box = imaging::nonZeroBoundingBox(l, {2, 2, 2});
  writeLabelMap(imaging::crop(l, box), path("crop.nrrd"));
  const core::LabelMap read = readLabelMap(path("crop.nrrd"));
  EXPECT_EQ(imaging::resample(read, g).labels(), l.labels());
  EXPECT_EQ(imaging::padToOriginal(read, g, box).labels(), l.labels());
}

TEST(GridAlignment, DicomSegmentationMapsOntoTheSeriesGrid) {
  AUNET_REQUIRE_SHARED(folder, "totalsegmentator-example/ct_dicom");
  AUNET_REQUIRE_SHARED(segFile, "totalsegmentator-example/ct_dicom_seg.nii.gz");
  const core::Volume ct = readImage(folder.string());
  const core::LabelMap seg = readLabelMap(segFile.string());
  const core::LabelMap onCt = imaging::resample(seg, ct.geometry());
  const core::Geometry& g = ct.geometry();
  // Same label counts, rows flipped along j: the two files run opposite ways in y.
  std::map<uint16_t, int64_t> before, after;
  for (uint16_t l : seg.labels()) ++before[l];
  for (uint16_t l : onCt.labels()) ++after[l];
  EXPECT_EQ(before, after);
  EXPECT_GT(before.size(), 3u);
  int64_t mismatches = 0;
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) mismatches += onCt.at(i, g.size[1] - 1 - j, k) != seg.at(i, j, k);
  EXPECT_EQ(mismatches, 0);
  // Solid organs (spleen, kidneys, liver, pancreas) land on soft tissue: mean
  // between 0 and 250 HU (contrast enhanced), not on air or fat.
  std::map<uint16_t, double> sum;
  for (int64_t v = 0; v < g.voxelCount(); ++v)
    if (onCt.data()[v]) sum[onCt.data()[v]] += ct.data()[v];
  int organs = 0;
  for (const uint16_t label : {1, 2, 3, 5, 7}) {
    if (after[label] < 2000) continue;  // absent or too small to judge
    ++organs;
    EXPECT_GT(sum[label] / after[label], 0.0) << "label " << label;
    EXPECT_LT(sum[label] / after[label], 250.0) << "label " << label;
  }
  EXPECT_GE(organs, 1);
  // Reorienting the CT to the segmentation's orientation gives the segmentation's grid.
  EXPECT_TRUE(imaging::reorientedGeometry(g, seg.geometry().orientationCode()).sameGrid(seg.geometry(), 1e-3));
}

}  // namespace
}  // namespace aunet::io
