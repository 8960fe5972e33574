// `aunet info` on images and DICOM folders, and `aunet convert` between formats:
// in-process, on generated files and (when present) the shared CT DICOM series.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/ConvertCommand.h"
#include "app/commands/ImageInfoReport.h"
#include "app/commands/InfoCommand.h"
#include "io/DicomSeriesScanner.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::app {
namespace {

using namespace aunet::io::test;

class InfoConvert : public ScratchTest {};

TEST_F(InfoConvert, InfoOnAGeneratedNiftiPrintsGeometryTypeAndValues) {
  core::Volume v = ellipsoidVolume(obliqueGeometry({23, 19, 11}));
  v.setOriginalType(core::PixelType::Float32);
  const std::string file = path("img.nii.gz");
  io::writeImage(v, file);
  std::ostringstream out;
  InfoOptions options;
  options.model = file;
  EXPECT_EQ(runInfoCommand(options, out), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("NIfTI"), std::string::npos) << text;
  EXPECT_NE(text.find("23 x 19 x 11"), std::string::npos) << text;
  EXPECT_NE(text.find("0.75 x 1.25 x 2.5 mm"), std::string::npos) << text;
  EXPECT_NE(text.find("Orientation:  RAI"), std::string::npos) << text;
  EXPECT_NE(text.find("float32"), std::string::npos) << text;
  EXPECT_NE(text.find("Values:       min "), std::string::npos) << text;

  // Reoriented: the code follows the file.
  core::Geometry lpi = v.geometry();
  lpi.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
  core::Volume flipped(lpi, 1, core::PixelType::Int16);
  flipped.data()[0] = -3;
  flipped.data()[5] = 12;
  io::writeImage(flipped, path("lpi.nii"));
  std::ostringstream out2;
  options.model = path("lpi.nii");
  runInfoCommand(options, out2);
  EXPECT_NE(out2.str().find("Orientation:  LPI"), std::string::npos) << out2.str();
  EXPECT_NE(out2.str().find("int16"), std::string::npos) << out2.str();
  EXPECT_NE(out2.str().find("min -3, max 12"), std::string::npos) << out2.str();

  std::ostringstream json;
  options.json = true;
  runInfoCommand(options, json);
  const auto j = nlohmann::json::parse(json.str());
  EXPECT_EQ(j.at("size"), nlohmann::json({23, 19, 11}));
  EXPECT_EQ(j.at("pixel_type"), "int16");
  EXPECT_EQ(j.at("value_range")[0].at("max"), 12.0);
}

TEST_F(InfoConvert, ModelFilesAreRecognisedByExtensionOrMagic) {
  EXPECT_TRUE(looksLikeModelFile(path("missing.aunet")));
  EXPECT_FALSE(looksLikeModelFile(path("missing.nii.gz")));
  const std::string disguised = path("model.bin");
  std::ofstream(disguised) << "AUNETMDL and then nothing useful";
  EXPECT_TRUE(looksLikeModelFile(disguised));
  std::ostringstream out;
  InfoOptions options;
  options.model = disguised;
  try {
    runInfoCommand(options, out);
    FAIL() << "broken model accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(disguised, 0), 0u) << e.what();
  }
  // Not a model and not an image: the image reader's error, naming the file.
  options.model = path("notes.txt");
  std::ofstream(options.model) << "hello";
  EXPECT_THROW(runInfoCommand(options, out), core::Error);
}

TEST_F(InfoConvert, ConvertNiftiToNrrdAndMhaKeepsGeometryAndVoxels) {
  const core::Volume v = ellipsoidVolume(obliqueGeometry(), 2);
  io::writeImage(v, path("in.nii"));
  const core::Volume in = io::readImage(path("in.nii"));
  for (const char* ext : {".nrrd", ".mha", ".nii.gz"}) {
    ConvertOptions options;
    options.input = path("in.nii");
    options.output = path(std::string("out") + ext);
    std::ostringstream out;
    ASSERT_EQ(runConvertCommand(options, out), 0);
    EXPECT_NE(out.str().find("wrote " + options.output), std::string::npos) << out.str();
    const core::Volume back = io::readImage(options.output);
    expectSameGeometry(in.geometry(), back.geometry(), 1e-6);
    EXPECT_EQ(back.voxels(), in.voxels()) << ext;
  }
  ConvertOptions bad;
  bad.input = path("in.nii");
  bad.output = path("out.png");
  try {
    std::ostringstream out;
    runConvertCommand(bad, out);
    ADD_FAILURE() << "writing .png must be refused";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("supported: .nii"), std::string::npos) << e.what();
  }
}

TEST_F(InfoConvert, ConvertLabelsWritesAnIntegerLabelMap) {
  const core::LabelMap l = ellipsoidLabels(obliqueGeometry(), 3, 300);
  io::writeLabelMap(l, path("seg.nii.gz"));
  ConvertOptions options;
  options.input = path("seg.nii.gz");
  options.output = path("seg.nrrd");
  options.labels = true;
  std::ostringstream out;
  ASSERT_EQ(runConvertCommand(options, out), 0);
  EXPECT_NE(out.str().find("uint16"), std::string::npos) << out.str();
  EXPECT_EQ(io::readImageInfo(path("seg.nrrd")).pixelType, core::PixelType::UInt16);
  EXPECT_EQ(io::readLabelMap(path("seg.nrrd")).labels(), l.labels());
  // A float image is not a label map.
  io::writeImage(ellipsoidVolume(obliqueGeometry()), path("float.nii.gz"));
  options.input = path("float.nii.gz");
  EXPECT_THROW(runConvertCommand(options, out), core::Error);
}

TEST_F(InfoConvert, ConvertSharedCtDicomSeriesToNifti) {
  AUNET_REQUIRE_SHARED(folder, "totalsegmentator-example/ct_dicom");
  const auto series = io::scanDicomSeries(folder.string());
  ASSERT_EQ(series.size(), 1u);
  ConvertOptions options;
  options.input = folder.string();
  options.output = path("ct.nii.gz");
  options.series = series[0].id;
  std::ostringstream out;
  ASSERT_EQ(runConvertCommand(options, out), 0);
  EXPECT_NE(out.str().find("DICOM -> NIfTI"), std::string::npos) << out.str();
  const core::Volume nifti = io::readImage(options.output);
  const core::Volume dicom = io::readImage(folder.string());
  const core::Geometry& g = nifti.geometry();
  EXPECT_EQ(g.size, (core::Index3{512, 512, 20}));
  EXPECT_NEAR(g.spacing[0], 0.977, 1e-3);
  EXPECT_NEAR(g.spacing[1], 0.977, 1e-3);
  EXPECT_NEAR(g.spacing[2], 2.0, 1e-4);
  EXPECT_TRUE(g.sameGrid(dicom.geometry(), 1e-5)) << g.describe() << " vs " << dicom.geometry().describe();
  EXPECT_EQ(nifti.originalType(), core::PixelType::Int16);  // HU kept as int16
  EXPECT_EQ(nifti.voxels(), dicom.voxels());

  options.series = "1.2.3.no.such.series";
  EXPECT_THROW(runConvertCommand(options, out), core::Error);
}

TEST_F(InfoConvert, InfoOnTheSharedDicomFolderListsItsSeries) {
  AUNET_REQUIRE_SHARED(folder, "totalsegmentator-example/ct_dicom");
  std::ostringstream out;
  InfoOptions options;
  options.model = folder.string();
  ASSERT_EQ(runInfoCommand(options, out), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("DICOM folder"), std::string::npos) << text;
  EXPECT_NE(text.find("512 x 512 x 20"), std::string::npos) << text;
  EXPECT_NE(text.find("DICOM series: 1 found"), std::string::npos) << text;
  EXPECT_NE(text.find("* " + io::scanDicomSeries(folder.string())[0].id + "\n"), std::string::npos) << text;
  EXPECT_NE(text.find("20 file(s), CT"), std::string::npos) << text;
  EXPECT_NE(text.find("intercept -1024"), std::string::npos) << text;
}

}  // namespace
}  // namespace aunet::app
