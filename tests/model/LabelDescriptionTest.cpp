// Label names and colours from the files people keep beside a mask: aunet's
// labels.json and ITK-SNAP's label description text, parsed from the content and
// found by the mask's name; bad lines are one error naming the file and the line.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/Error.h"
#include "model/api/LabelDescription.h"

namespace aunet::model {
namespace {

namespace fs = std::filesystem;

// As ITK-SNAP 3.8/4.0 saves it (Segmentation > Export Label Descriptions).
const char* kItkSnap = R"itk(################################################
# ITK-SnAP Label Description File
# File format:
# IDX   -R-  -G-  -B-  -A--  VIS MSH  LABEL
# Fields:
#    IDX:   Zero-based index
#    -R-:   Red color component (0..255)
#    -G-:   Green color component (0..255)
#    -B-:   Blue color component (0..255)
#    -A-:   Label transparency (0.00 .. 1.00)
#    VIS:   Label visibility (0 or 1)
#    IDX:   Label mesh visibility (0 or 1)
#  LABEL:   Label description
################################################
    0     0    0    0        0  0  0    "Clear Label"
    1   255    0    0        1  1  1    "Liver"
    2     0  255    0        1  1  1    "Right kidney"
   12   0    0  255      0.5  1  0    "Tumour (enhancing)"
)itk";

TEST(LabelDescriptionTest, ParsesItkSnapLabelDescriptions) {
  const auto labels = parseLabelDescription(kItkSnap, "seg.txt");
  ASSERT_EQ(labels.size(), 4u);
  EXPECT_EQ(labels[0].value, 0);
  EXPECT_EQ(labels[0].name, "background");
  EXPECT_EQ(labels[1].value, 1);
  EXPECT_EQ(labels[1].name, "Liver");
  EXPECT_EQ(labels[1].color, (std::array<uint8_t, 3>{255, 0, 0}));
  EXPECT_EQ(labels[2].name, "Right kidney");
  EXPECT_EQ(labels[3].value, 12);
  EXPECT_EQ(labels[3].name, "Tumour (enhancing)");
  EXPECT_EQ(labels[3].color, (std::array<uint8_t, 3>{0, 0, 255}));
}

TEST(LabelDescriptionTest, ParsesAunetJsonBothShapes) {
  const auto list = parseLabelDescription(R"([{"value": 2, "name": "kidney", "color": [1, 2, 3]}])", "l.json");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "kidney");
  EXPECT_EQ(list[0].color, (std::array<uint8_t, 3>{1, 2, 3}));
  const auto object = parseLabelDescription(R"({"labels": [{"value": 5, "name": "liver"}]})", "l.json");
  ASSERT_EQ(object.size(), 1u);
  EXPECT_EQ(object[0].value, 5);
}

TEST(LabelDescriptionTest, BadInputIsOneLineNamingFileAndLine) {
  const auto message = [](const std::string& text) {
    try {
      parseLabelDescription(text, "seg.txt");
    } catch (const core::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("# only comments\n"), "seg.txt: no labels in the label description");
  EXPECT_NE(message("1 255 0 0 1 1 1 Liver\n").find("seg.txt: line 1: no quoted label name"), std::string::npos);
  EXPECT_NE(message("# c\n1 300 0 0 1 1 1 \"Liver\"\n").find("seg.txt: line 2: colour component 300"), std::string::npos);
  EXPECT_NE(message("1 255 0 \"Liver\"\n").find("line 1: expected 7 numbers"), std::string::npos);
  EXPECT_NE(message("70000 1 1 1 1 1 1 \"x\"\n").find("outside 0..65535"), std::string::npos);
  EXPECT_NE(message("[{\"value\": 1.5, \"name\": \"x\"}]").find("seg.txt: not a label names file"), std::string::npos);
}

TEST(LabelDescriptionTest, FindsTheDescriptionBesideTheMask) {
  const fs::path dir = fs::temp_directory_path() / ("aunet-labeldesc-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string mask = (dir / "case1_seg.nii.gz").string();
  std::ofstream(mask) << "x";
  EXPECT_EQ(findLabelDescription(mask), "");
  EXPECT_TRUE(labelsForMask(mask).empty());
  std::ofstream(dir / "labels.txt") << "1 10 20 30 1 1 1 \"shared\"\n";
  EXPECT_EQ(labelsForMask(mask).at(0).name, "shared");
  std::ofstream(dir / "case1_seg.txt") << kItkSnap;  // the mask's own wins over the folder's
  EXPECT_EQ(findLabelDescription(mask), (dir / "case1_seg.txt").string());
  EXPECT_EQ(labelsForMask(mask).at(1).name, "Liver");
  std::ofstream(dir / "case1_seg.json") << R"([{"value": 1, "name": "from json"}])";
  EXPECT_EQ(labelsForMask(mask).at(0).name, "from json");
  // An explicit file wins over all.
  EXPECT_EQ(labelsForMask(mask, (dir / "labels.txt").string()).at(0).name, "shared");
  EXPECT_THROW(labelsForMask(mask, (dir / "missing.txt").string()), core::Error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace aunet::model
