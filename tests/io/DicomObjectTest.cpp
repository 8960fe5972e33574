// DICOM SEG and RT Structure Set written from the shared TotalSegmentator CT series
// (badly anonymised: empty Study/Series/SOP UIDs in its data sets, JPEG 2000 pixels)
// and its NIfTI mask (whose rows run the other way along y): valid by dciodvfy, and
// read back voxel for voxel onto the series' grid.
#include <gtest/gtest.h>

#include <filesystem>
#include <cmath>
#include <map>
#include <set>

#include "core/Error.h"
#include "io/DicomObjectReader.h"
#include "io/DicomObjectWriter.h"
#include "io/DicomSourceSeries.h"
#include "io/ImageReader.h"
#include "imaging/Reorientation.h"
#include "tests/io/DicomValidator.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

namespace fs = std::filesystem;

std::vector<DicomSegment> totalSegmentatorSegments(const core::LabelMap& mask) {
  const std::map<uint16_t, std::string> names{{1, "spleen"}, {2, "kidney_right"}, {3, "kidney_left"},
                                              {4, "gallbladder"}, {5, "liver"}, {6, "stomach"}, {7, "pancreas"}};
  std::vector<DicomSegment> segments;
  for (uint16_t label : std::set<uint16_t>(mask.labels().begin(), mask.labels().end())) {
    if (label == 0) continue;
    DicomSegment s;
    s.label = label;
    s.name = names.count(label) ? names.at(label) : "structure " + std::to_string(label);
    s.color = {static_cast<uint8_t>(40 * label % 256), 128, static_cast<uint8_t>(255 - label)};
    segments.push_back(s);
  }
  return segments;
}

// The label map a SEG/RTSTRUCT reads back holds segment/ROI numbers; map them to the
// original label values through the names the segments were written with.
core::LabelMap withOriginalValues(const DicomLabelObject& read, const std::vector<DicomSegment>& written) {
  std::map<uint16_t, uint16_t> toOriginal;
  for (const DicomSegment& r : read.segments)
    for (const DicomSegment& w : written)
      if (w.name == r.name) toOriginal[r.label] = w.label;
  core::LabelMap result = read.labels;
  for (uint16_t& v : result.labels())
    if (v != 0) v = toOriginal.at(v);
  return result;
}

int64_t differingVoxels(const core::LabelMap& a, const core::LabelMap& b) {
  int64_t count = 0;
  for (size_t v = 0; v < a.labels().size(); ++v) count += a.labels()[v] != b.labels()[v];
  return count;
}

class DicomObjectTest : public test::ScratchTest {};

TEST_F(DicomObjectTest, SourceSeriesTakesUidsFromTheMetaHeaderAndDerivesStableStudyAndSeries) {
  AUNET_REQUIRE_SHARED(series, "totalsegmentator-example/ct_dicom");
  const DicomSourceSeries a = readDicomSourceSeries(series.string());
  ASSERT_EQ(a.frames.size(), 20u);
  EXPECT_TRUE(a.derivedUids);
  EXPECT_EQ(a.studyInstanceUid.rfind("2.25.", 0), 0u);
  EXPECT_NE(a.studyInstanceUid, a.seriesInstanceUid);
  for (const auto& f : a.frames) {
    EXPECT_EQ(f.sopClassUid, "1.2.840.10008.5.1.4.1.1.2");  // CT Image Storage, from the meta header
    EXPECT_EQ("CT." + f.sopInstanceUid, fs::path(f.file).filename().string());
  }
  const DicomSourceSeries b = readDicomSourceSeries(series.string());
  EXPECT_EQ(a.studyInstanceUid, b.studyInstanceUid);  // the SEG and the RTSTRUCT agree
  EXPECT_EQ(a.seriesInstanceUid, b.seriesInstanceUid);
  ASSERT_FALSE(a.warnings.empty());
  // The grid from the headers is the grid readDicom() gives the pixels.
  test::expectSameGeometry(readImage(series.string()).geometry(), a.geometry, 1e-4);
}

TEST_F(DicomObjectTest, SegFromTheTotalSegmentatorSeriesIsValidAndReadsBackExactly) {
  AUNET_REQUIRE_SHARED(series, "totalsegmentator-example/ct_dicom");
  AUNET_REQUIRE_SHARED(maskFile, "totalsegmentator-example/ct_dicom_seg.nii.gz");
  const DicomSourceSeries source = readDicomSourceSeries(series.string());
  const core::LabelMap mask = readLabelMap(maskFile.string());
  DicomAlgorithm algorithm;
  algorithm.version = "test";
  algorithm.modelName = "TotalSegmentator";
  const std::string out = path("seg.dcm");
  const std::vector<DicomSegment> segments = totalSegmentatorSegments(mask);
  writeDicomSeg(mask, source, segments, algorithm, out);
  const test::DicomValidation validation = test::validateDicom(out);
  ASSERT_TRUE(validation.ran) << validation.output;
  EXPECT_TRUE(validation.errors.empty()) << validation.output;

  // Onto the series' grid: the NIfTI mask, whose y axis runs the other way, voxel for voxel.
  const DicomLabelObject read = readDicomLabelObject(out, series.string());
  EXPECT_EQ(read.kind, DicomObjectKind::Segmentation);
  EXPECT_EQ(read.referencedSeriesUid, source.seriesInstanceUid);
  ASSERT_TRUE(read.labels.geometry().sameGrid(source.geometry));
  const core::LabelMap expected = imaging::reorient(mask, source.geometry.orientationCode());
  ASSERT_EQ(expected.geometry().size, read.labels.geometry().size);
  EXPECT_EQ(differingVoxels(withOriginalValues(read, segments), expected), 0);
  ASSERT_EQ(read.segments.size(), segments.size());
  EXPECT_EQ(read.segments[0].name, "spleen");
  EXPECT_EQ(read.segments[0].type.value, "78961009");  // SNOMED CT Spleen
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(read.segments[0].color[c], segments[0].color[c], 2);

  // The SEG alone: on the grid its frames describe, the same voxels in physical space.
  const DicomLabelObject alone = readDicomLabelObject(out);
  const core::Geometry& own = alone.labels.geometry();
  EXPECT_EQ(own.size[0], 512);
  int64_t mismatches = 0, set = 0;
  for (int64_t k = 0; k < own.size[2]; ++k)
    for (int64_t j = 0; j < own.size[1]; ++j)
      for (int64_t i = 0; i < own.size[0]; ++i) {
        const core::Vec3 p = own.indexToPhysical({double(i), double(j), double(k)});
        const core::Vec3 q = source.geometry.physicalToIndex(p);
        const uint16_t there = read.labels.at(std::llround(q[0]), std::llround(q[1]), std::llround(q[2]));
        mismatches += alone.labels.at(i, j, k) != there;
        set += there != 0;
      }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(set, 0);
}

TEST_F(DicomObjectTest, MaskOnAnotherGridIsRefusedAndNothingIsWritten) {
  AUNET_REQUIRE_SHARED(series, "totalsegmentator-example/ct_dicom");
  const DicomSourceSeries source = readDicomSourceSeries(series.string());
  core::Geometry shifted = source.geometry;
  shifted.origin[0] += 5.0;
  core::LabelMap mask(shifted);
  mask.at(10, 10, 3) = 1;
  try {
    writeDicomSeg(mask, source, {{1, "liver"}}, {}, path("seg.dcm"));
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not lie on the source series' grid"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(entries().empty());
}

TEST_F(DicomObjectTest, RtStructFromTheTotalSegmentatorSeriesIsValid) {
  AUNET_REQUIRE_SHARED(series, "totalsegmentator-example/ct_dicom");
  AUNET_REQUIRE_SHARED(maskFile, "totalsegmentator-example/ct_dicom_seg.nii.gz");
  const DicomSourceSeries source = readDicomSourceSeries(series.string());
  const core::LabelMap mask = readLabelMap(maskFile.string());
  DicomAlgorithm algorithm;
  algorithm.version = "test";
  algorithm.modelName = "TotalSegmentator";
  const std::string out = path("rtstruct.dcm");
  const std::vector<DicomSegment> segments = totalSegmentatorSegments(mask);
  writeRtStruct(mask, source, segments, algorithm, out);
  const test::DicomValidation validation = test::validateDicom(out);
  ASSERT_TRUE(validation.ran) << validation.output;
  EXPECT_TRUE(validation.errors.empty()) << validation.output;

  // Contours halfway between pixels, filled even-odd at pixel centres: exact.
  const DicomLabelObject read = readDicomLabelObject(out, series.string());
  EXPECT_EQ(read.kind, DicomObjectKind::RtStruct);
  EXPECT_EQ(read.referencedSeriesUid, source.seriesInstanceUid);
  const core::LabelMap expected = imaging::reorient(mask, source.geometry.orientationCode());
  EXPECT_EQ(differingVoxels(withOriginalValues(read, segments), expected), 0);
  // Without its series an RTSTRUCT cannot be drawn: a clear error naming the flag.
  try {
    readDicomLabelObject(out);
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--source-series"), std::string::npos) << e.what();
  }
}

TEST_F(DicomObjectTest, RtStructKeepsHolesAndRegionsTouchingTheEdge) {
  AUNET_REQUIRE_SHARED(series, "totalsegmentator-example/ct_dicom");
  const DicomSourceSeries source = readDicomSourceSeries(series.string());
  core::LabelMap mask(source.geometry);
  // A ring with a hole, an island inside the hole, a blob on the image edge, diagonal pixels.
  for (int64_t j = 100; j < 200; ++j)
    for (int64_t i = 100; i < 200; ++i) {
      const double r = std::hypot(i - 150.0, j - 150.0);
      if ((r < 45 && r > 20) || r < 8) mask.at(i, j, 5) = 1;
    }
  for (int64_t j = 0; j < 30; ++j)
    for (int64_t i = 0; i < 20; ++i) mask.at(i, j, 5) = 2;
  for (int64_t d = 0; d < 10; ++d) mask.at(300 + d, 300 + d, 6) = 1;
  const std::vector<DicomSegment> segments{{1, "liver"}, {2, "spleen"}};
  writeRtStruct(mask, source, segments, {}, path("rt.dcm"));
  const DicomLabelObject read = readDicomLabelObject(path("rt.dcm"), series.string());
  EXPECT_EQ(differingVoxels(withOriginalValues(read, segments), mask), 0);
}


TEST_F(DicomObjectTest, UnevenlySpacedSeriesRoundTripsThroughTheSlicesItReferences) {
  // The MONAI CT series: 4 slices with a 202.5 mm gap; read with its mean spacing, so
  // grid positions between slices are approximate, but each slice's own plane is not.
  AUNET_REQUIRE_SHARED(series, "monai-testing/CT_DICOM");
  ReadOptions uneven;
  uneven.allowUnevenSlices = true;
  DicomSourceSeries source = readDicomSourceSeries(series.string(), uneven);
  source.geometry = readImage(series.string(), uneven).geometry();
  core::LabelMap mask(source.geometry);
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t j = 2 + k; j < 12; ++j)
      for (int64_t i = 3; i < 13 - k; ++i) mask.at(i, j, k) = k % 2 ? 1 : 2;
  const std::vector<DicomSegment> segments{{1, "liver"}, {2, "spleen"}};
  writeDicomSeg(mask, source, segments, {}, path("seg.dcm"));
  writeRtStruct(mask, source, segments, {}, path("rt.dcm"));
  for (const std::string file : {path("seg.dcm"), path("rt.dcm")}) {
    EXPECT_TRUE(test::validateDicom(file).errors.empty()) << test::validateDicom(file).output;
    const DicomLabelObject read = readDicomLabelObject(file, series.string());
    EXPECT_EQ(differingVoxels(withOriginalValues(read, segments), mask), 0) << file;
  }
}

}  // namespace
}  // namespace aunet::io
