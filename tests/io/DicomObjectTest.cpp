// DICOM SEG and RT Structure Set written from the shared TotalSegmentator CT series
// (badly anonymised: empty Study/Series/SOP UIDs in its data sets, JPEG 2000 pixels)
// and its NIfTI mask (whose rows run the other way along y): valid by dciodvfy, and
// read back voxel for voxel onto the series' grid.
#include <gtest/gtest.h>

#include <filesystem>
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
  writeDicomSeg(mask, source, totalSegmentatorSegments(mask), algorithm, out);
  const test::DicomValidation validation = test::validateDicom(out);
  ASSERT_TRUE(validation.ran) << validation.output;
  EXPECT_TRUE(validation.errors.empty()) << validation.output;
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
  writeRtStruct(mask, source, totalSegmentatorSegments(mask), algorithm, out);
  const test::DicomValidation validation = test::validateDicom(out);
  ASSERT_TRUE(validation.ran) << validation.output;
  EXPECT_TRUE(validation.errors.empty()) << validation.output;
}

}  // namespace
}  // namespace aunet::io
