// DICOM out of the CLI: `aunet segment --output-format dicom-seg,rtstruct` on a DICOM
// series, `aunet convert --labels --source-series` for masks made elsewhere (and SEG /
// RTSTRUCT back to NIfTI), and `aunet evaluate` against a DICOM SEG reference.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/ConvertCommand.h"
#include "app/commands/EvaluateCommand.h"
#include "app/commands/InfoCommand.h"
#include "app/commands/SegmentCommand.h"
#include "core/Error.h"
#include "imaging/Reorientation.h"
#include "io/DicomObjectReader.h"
#include "io/DicomSourceSeries.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "io/internal/DicomSeriesWriter.h"
#include "tests/app/TinyModelFile.h"
#include "tests/io/DicomFileBuilder.h"
#include "tests/io/DicomValidator.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::app {
namespace {

using namespace aunet::io::test;

class DicomOutput : public ScratchTest {};

TEST_F(DicomOutput, SegmentWritesValidSegAndRtstructThatMatchTheNiftiMask) {
  // A small CT-like series written by ITK/GDCM (proper UIDs), oblique like real ones.
  const fs::path series = path("CT_DICOM");
  fs::create_directories(series);
  core::Volume image = ellipsoidVolume(obliqueGeometry({24, 20, 8}));
  for (int64_t v = 0; v < image.geometry().voxelCount(); ++v) image.data()[v] = std::round(image.data()[v]);
  io::internal::writeDicomSeries(image, series.string());
  const std::string model = path("tiny.aunet");
  test::writeTinyModelFile(model, 7);
  SegmentOptions options;
  options.model = model;
  options.inputs = {series.string()};
  options.outputDir = path("out");
  options.outputFormat = "nifti,dicom-seg,rtstruct";
  options.progress = "none";
  std::ostringstream out;
  ASSERT_EQ(runSegmentCommand(options, out), 0) << out.str();
  const std::string nifti = path("out/CT_DICOM.nii.gz"), seg = path("out/CT_DICOM.seg.dcm"),
                    rt = path("out/CT_DICOM.rtstruct.dcm");
  const core::LabelMap mask = io::readLabelMap(nifti);
  ASSERT_GT(mask.maxLabel(), 0) << "the tiny model found nothing; the test needs a non-empty mask";
  for (const std::string& file : {seg, rt}) {
    ASSERT_TRUE(fs::exists(file)) << file;
    const DicomValidation validation = validateDicom(file);
    ASSERT_TRUE(validation.ran) << validation.output;
    EXPECT_TRUE(validation.errors.empty()) << file << "\n" << validation.output;
    // Read back (the series sits elsewhere: given explicitly) onto the NIfTI mask's grid.
    const io::DicomLabelObject read = io::readDicomLabelObject(file, series.string());
    ASSERT_TRUE(read.labels.geometry().sameGrid(mask.geometry()));
    std::map<uint16_t, uint16_t> toValue;  // segment number -> model label, by name ("label N")
    for (const auto& s : read.segments) toValue[s.label] = static_cast<uint16_t>(std::stoi(s.name.substr(6)));
    int64_t differing = 0;
    for (size_t v = 0; v < mask.labels().size(); ++v) {
      const uint16_t r = read.labels.labels()[v];
      differing += (r == 0 ? 0 : toValue.at(r)) != mask.labels()[v];
    }
    EXPECT_EQ(differing, 0) << file;
  }
  // The summary lists every mask file of the case.
  std::ifstream summaryFile(path("out/summary.json"));
  const nlohmann::json summary = nlohmann::json::parse(summaryFile);
  const auto outputs = summary["cases"][0]["outputs"].get<std::vector<std::string>>();
  for (const std::string& file : {nifti, seg, rt})
    EXPECT_NE(std::find(outputs.begin(), outputs.end(), file), outputs.end()) << file;

  // A rerun skips the case: its last file (the NIfTI) marks it complete.
  std::ostringstream again;
  ASSERT_EQ(runSegmentCommand(options, again), 0);
  EXPECT_NE(again.str().find("1 skipped"), std::string::npos) << again.str();
}

TEST_F(DicomOutput, DicomFormatWithANonDicomInputFailsBeforeAnyWork) {
  const std::string model = path("tiny.aunet");
  test::writeTinyModelFile(model, 7);
  io::writeImage(ellipsoidVolume(obliqueGeometry({12, 10, 8})), path("img.nii.gz"));
  SegmentOptions options;
  options.model = model;
  options.inputs = {path("img.nii.gz")};
  options.outputDir = path("out");
  options.outputFormat = "dicom-seg";
  options.progress = "none";
  std::ostringstream out;
  try {
    runSegmentCommand(options, out);
    FAIL() << "expected an error";
  } catch (const core::Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("img.nii.gz"), std::string::npos) << message;
    EXPECT_NE(message.find("not a DICOM series"), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists(path("out")));
  options.outputFormat = "dicom-seg,png";
  EXPECT_THROW(runSegmentCommand(options, out), core::Error);
}

TEST_F(DicomOutput, ConvertWritesSegAndRtstructForAMaskMadeElsewhereAndReadsThemBack) {
  AUNET_REQUIRE_SHARED(series, "totalsegmentator-example/ct_dicom");
  AUNET_REQUIRE_SHARED(maskFile, "totalsegmentator-example/ct_dicom_seg.nii.gz");
  // Names beside the mask, as aunet segment writes them.
  fs::copy_file(maskFile, path("mask.nii.gz"));
  std::ofstream(path("labels.json")) << R"([{"value": 5, "name": "liver", "color": [221, 130, 101]},
                                            {"value": 1, "name": "spleen", "color": [157, 108, 162]}])";
  const core::LabelMap mask = io::readLabelMap(maskFile.string());
  const core::LabelMap onSeries = imaging::reorient(mask, io::readDicomSourceSeries(series.string()).geometry.orientationCode());
  for (const std::string format : {"dicom-seg", "rtstruct"}) {
    ConvertOptions options;
    options.input = path("mask.nii.gz");
    options.output = path(format + ".dcm");
    options.labels = true;
    options.sourceSeries = series.string();
    options.outputFormat = format;
    std::ostringstream out;
    ASSERT_EQ(runConvertCommand(options, out), 0);
    EXPECT_TRUE(validateDicom(options.output).errors.empty()) << validateDicom(options.output).output;
    const io::DicomLabelObject read = io::readDicomLabelObject(options.output, series.string());
    bool liver = false;
    for (const auto& s : read.segments)
      if (s.name == "liver") {
        liver = true;
        EXPECT_EQ(s.color[0], 221);
      }
    EXPECT_TRUE(liver);
    // `aunet info` names the object, its segments and their codes.
    InfoOptions info;
    info.model = options.output;
    info.sourceSeries = series.string();
    std::ostringstream described;
    ASSERT_EQ(runInfoCommand(info, described), 0);
    EXPECT_NE(described.str().find(format == "rtstruct" ? "RT Structure Set" : "DICOM Segmentation"), std::string::npos)
        << described.str();
    EXPECT_NE(described.str().find("liver"), std::string::npos) << described.str();
    if (format == "dicom-seg") EXPECT_NE(described.str().find("SCT 10200004 (Liver)"), std::string::npos) << described.str();

    // Back to NIfTI through convert: segment numbers, the same voxels.
    ConvertOptions back;
    back.input = options.output;
    back.output = path(format + "-back.nii.gz");
    back.labels = true;
    back.sourceSeries = series.string();
    ASSERT_EQ(runConvertCommand(back, out), 0);
    const core::LabelMap roundTrip = io::readLabelMap(back.output);
    ASSERT_TRUE(roundTrip.geometry().sameGrid(onSeries.geometry(), 1e-3));
    int64_t differing = 0;
    for (size_t v = 0; v < onSeries.labels().size(); ++v)
      differing += (roundTrip.labels()[v] != 0) != (onSeries.labels()[v] != 0);
    EXPECT_EQ(differing, 0) << format;
  }
}

TEST_F(DicomOutput, ConvertRefusesDicomOutputWithoutFormatSeriesOrMatchingGrid) {
  AUNET_REQUIRE_SHARED(series, "totalsegmentator-example/ct_dicom");
  AUNET_REQUIRE_SHARED(other, "totalsegmentator-example/ct_small_seg.nii.gz");
  std::ostringstream out;
  ConvertOptions options;
  options.input = other.string();
  options.output = path("x.dcm");
  options.labels = true;
  // .dcm without --output-format.
  try {
    runConvertCommand(options, out);
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--output-format"), std::string::npos) << e.what();
  }
  // Without --source-series.
  options.outputFormat = "dicom-seg";
  try {
    runConvertCommand(options, out);
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--source-series"), std::string::npos) << e.what();
  }
  // A mask of another grid.
  options.sourceSeries = series.string();
  try {
    runConvertCommand(options, out);
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not lie on the source series' grid"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(entries().empty());
}

TEST_F(DicomOutput, EvaluateTakesADicomSegReferenceMatchedByCaseNameAndLabelNames) {
  AUNET_REQUIRE_SHARED(series, "totalsegmentator-example/ct_dicom");
  AUNET_REQUIRE_SHARED(maskFile, "totalsegmentator-example/ct_dicom_seg.nii.gz");
  fs::create_directories(path("pred"));
  fs::create_directories(path("ref"));
  // Predictions as aunet segment leaves them: NIfTI plus labels.json with the names.
  const core::LabelMap mask = io::readLabelMap(maskFile.string());
  io::writeLabelMap(mask, path("pred/case1.nii.gz"));
  std::ofstream(path("pred/labels.json")) << R"([{"value": 5, "name": "liver"}, {"value": 1, "name": "spleen"}])";
  ConvertOptions convert;
  convert.input = maskFile.string();
  convert.output = path("ref/case1.seg.dcm");
  convert.labels = true;
  convert.sourceSeries = series.string();
  convert.outputFormat = "dicom-seg";
  convert.labelNames = path("pred/labels.json");
  std::ostringstream out;
  ASSERT_EQ(runConvertCommand(convert, out), 0);

  EvaluateOptions options;
  options.predictionDir = path("pred");
  options.referenceDir = path("ref");
  options.jsonReport = path("report.json");
  options.labels = {1, 5};
  ASSERT_EQ(runEvaluateCommand(options, out), 0) << out.str();
  std::ifstream reportFile(options.jsonReport);
  const nlohmann::json report = nlohmann::json::parse(reportFile);
  const std::string text = report.dump();
  ASSERT_EQ(report["cases"].size(), 1u) << text;
  EXPECT_EQ(report["cases"][0]["case"], "case1");
  for (const auto& metric : report["cases"][0]["labels"]) EXPECT_DOUBLE_EQ(metric["dice"].get<double>(), 1.0) << text;
}


TEST_F(DicomOutput, SegOfAGantryTiltedSeriesReferencesAndMatchesTheOriginalSlices) {
  // A sphere (radius 6 mm at c) in a 20-degree tilted series: aunet reads it resampled
  // onto an orthogonal grid; the mask made there must land on the scanner's own slices.
  const int size = 32, slices = 16;
  const double step = 2.0, shift = step * std::tan(20.0 * M_PI / 180.0);
  const core::Vec3 c{15.5, 21.0, 15.0};
  auto inside = [&](double x, double y, double z) {
    return (x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) + (z - c[2]) * (z - c[2]) <= 36.0;
  };
  const fs::path series = path("tilted");
  fs::create_directories(series);
  for (int k = 0; k < slices; ++k) {
    const double y0 = k * shift, z = k * step;
    std::string pixels;
    for (int r = 0; r < size; ++r)
      for (int col = 0; col < size; ++col) pixels += DicomFileBuilder::u16(inside(col, y0 + r, z) ? 1000 : 0);
    DicomFileBuilder::ctSlice("1.2.826.0.1.3680043.2.1125.51", k + 1, z, size, size)
        .set(0x0020, 0x0032, "DS", "0\\" + std::to_string(y0) + "\\" + std::to_string(z))
        .pixelData(pixels)
        .write((series / ("t" + std::to_string(100 + k) + ".dcm")).string());
  }
  const core::Volume image = io::readImage(series.string());
  ASSERT_TRUE(image.metadata().tiltResampled);
  core::LabelMap mask(image.geometry());
  for (int64_t v = 0; v < image.geometry().voxelCount(); ++v) mask.data()[v] = image.data()[v] >= 500.0f ? 1 : 0;
  io::writeLabelMap(mask, path("mask.nii.gz"));

  ConvertOptions options;
  options.input = path("mask.nii.gz");
  options.output = path("tilted.seg.dcm");
  options.labels = true;
  options.sourceSeries = series.string();
  options.outputFormat = "dicom-seg";
  std::ostringstream out;
  ASSERT_EQ(runConvertCommand(options, out), 0);
  const io::DicomSourceSeries source = io::readDicomSourceSeries(series.string());
  EXPECT_TRUE(source.tilted);
  EXPECT_NEAR(source.tiltDegrees, 20.0, 0.01);
  // Read back slice by slice (each frame on the slice it references): the sphere where
  // the scanner's pixels are, give or take the boundary voxels of two nearest samplings.
  const io::DicomLabelObject read = io::readDicomLabelObject(options.output, series.string());
  int64_t agree = 0, disagree = 0;
  for (int64_t k = 0; k < slices; ++k)
    for (int64_t r = 0; r < size; ++r)
      for (int64_t col = 0; col < size; ++col) {
        const bool expected = inside(col, k * shift + r, k * step);
        const bool got = read.labels.at(col, r, k) != 0;
        (expected == got ? agree : disagree) += expected || got;
      }
  EXPECT_GT(agree, 300);
  EXPECT_LT(disagree, agree / 10) << agree << " agree, " << disagree << " disagree";
}

}  // namespace
}  // namespace aunet::app
