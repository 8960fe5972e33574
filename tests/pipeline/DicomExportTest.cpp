// The mapping from a model's labels to DICOM segments, the output format list, and the
// label names file beside a mask.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "pipeline/DicomExport.h"
#include "pipeline/MaskFormat.h"

namespace aunet::pipeline {
namespace {

TEST(DicomExportTest, SegmentsFollowTheModelsLabelsAndCodes) {
  core::Geometry g;
  g.size = {4, 4, 2};
  core::LabelMap mask(g);
  mask.at(0, 0, 0) = 1;
  mask.at(1, 0, 0) = 3;  // a value the model does not describe
  model::LabelInfo liver{1, "liver", {200, 100, 50}};
  liver.type = {"10200004", "SCT", "Liver"};
  liver.category = {"91723000", "SCT", "Anatomical Structure"};
  const auto segments = dicomSegmentsFor(mask, {{0, "background", {0, 0, 0}}, liver, {2, "spleen", {1, 2, 3}}});
  ASSERT_EQ(segments.size(), 2u);  // only labels present in the mask
  EXPECT_EQ(segments[0].label, 1);
  EXPECT_EQ(segments[0].name, "liver");
  EXPECT_EQ(segments[0].type.value, "10200004");
  EXPECT_EQ(segments[0].color[0], 200);
  EXPECT_EQ(segments[1].label, 3);
  EXPECT_EQ(segments[1].name, "label 3");
  EXPECT_TRUE(segments[1].type.empty());

  // Codes survive the model file's JSON.
  const model::LabelInfo back = model::LabelInfo::fromJson(liver.toJson());
  EXPECT_EQ(back.type.meaning, "Liver");
  EXPECT_EQ(back.category.value, "91723000");
}

TEST(DicomExportTest, OutputFormatsParseAndNameTheFlagWhenWrong) {
  const MaskFormats formats = parseMaskFormats("rtstruct, dicom-seg,rtstruct");
  ASSERT_EQ(formats.list.size(), 2u);
  EXPECT_TRUE(formats.anyDicom());
  EXPECT_FALSE(formats.has(MaskFormat::Nifti));
  EXPECT_EQ(formats.last(), MaskFormat::RtStruct);
  EXPECT_EQ(parseMaskFormats("dicom-seg,nifti").last(), MaskFormat::Nifti);
  try {
    parseMaskFormats("nifti,stl");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--output-format"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("stl"), std::string::npos) << e.what();
  }
}

TEST(DicomExportTest, LabelNamesComeFromTheLabelsFileBesideTheMask) {
  const auto dir = std::filesystem::temp_directory_path() / ("aunet-dicom-export-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string mask = (dir / "case.nii.gz").string();
  EXPECT_TRUE(labelsForMask(mask).empty());
  std::ofstream(dir / "labels.json") << R"([{"value": 2, "name": "kidney"}])";
  const auto labels = labelsForMask(mask);
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0].name, "kidney");
  std::ofstream(dir / "bad.json") << "{not json";
  EXPECT_THROW(labelsForMask(mask, (dir / "bad.json").string()), core::Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace aunet::pipeline
