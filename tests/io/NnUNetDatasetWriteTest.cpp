// Writing nnU-Net datasets (`aunet dataset create/add`, the viewer's "Add to training
// dataset..."): the layout nnU-Net reads back, dataset.json kept up to date with its
// other keys, new case names, and every bad input refused with nothing written.

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "io/NnUNetDataset.h"
#include "core/Error.h"
#include "core/Phantom.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

namespace fs = std::filesystem;

class NnUNetDatasetWriteTest : public test::ScratchTest {
 protected:
  const std::vector<std::pair<std::string, int>> labels_{{"background", 0}, {"organ", 1}, {"lesion", 2}};
  core::Phantom phantom(uint64_t seed = 3) const {
    core::Geometry g;
    g.size = {20, 18, 10};
    g.spacing = {1.0, 1.1, 2.0};
    g.origin = {-4.0, 2.0, 7.0};
    return core::Phantom::ellipsoids(g, seed, 3.0);
  }
  // Files under the dataset folder, relative, sorted.
  std::vector<std::string> files(const fs::path& root) const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root).string());
    std::sort(out.begin(), out.end());
    return out;
  }
  static nlohmann::json json(const fs::path& root) {
    std::ifstream in(root / "dataset.json");
    return nlohmann::json::parse(in);
  }
};

TEST_F(NnUNetDatasetWriteTest, CreateWritesAnEmptyDatasetThatLoadsBack) {
  const fs::path root = dir_ / "Dataset501_Corrections";
  NnUNetDataset::create(root.string(), {"T1", "T2"}, labels_, "/models/brain.aunet", "2026-01-02T03:04:05Z");
  EXPECT_TRUE(fs::is_directory(root / "imagesTr"));
  EXPECT_TRUE(fs::is_directory(root / "labelsTr"));
  const NnUNetDataset d = NnUNetDataset::load(root.string());
  EXPECT_EQ(d.name, "Dataset501_Corrections");
  EXPECT_EQ(d.channelNames, (std::vector<std::string>{"T1", "T2"}));
  EXPECT_EQ(d.labels, labels_);
  EXPECT_EQ(d.numTraining, 0);
  EXPECT_EQ(d.fileEnding, ".nii.gz");
  EXPECT_EQ(d.sourceModel, "/models/brain.aunet");
  EXPECT_EQ(d.sourceModelCreated, "2026-01-02T03:04:05Z");
  EXPECT_TRUE(d.training.empty());
}

TEST_F(NnUNetDatasetWriteTest, CreateRefusesAFolderThatHoldsADataset) {
  const fs::path root = dir_ / "ds";
  NnUNetDataset::create(root.string(), {"CT"}, labels_);
  const std::string before = json(root).dump();
  try {
    NnUNetDataset::create(root.string(), {"MR"}, {{"background", 0}, {"x", 1}});
    FAIL() << "created over an existing dataset";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("dataset.json: already exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(json(root).dump(), before);
  EXPECT_THROW(NnUNetDataset::create((dir_ / "nobg").string(), {"CT"}, {{"organ", 1}}), core::Error);
  EXPECT_FALSE(fs::exists(dir_ / "nobg" / "dataset.json"));
}

TEST_F(NnUNetDatasetWriteTest, AddedCasesReadBackExactlyWithNewNamesAndCount) {
  const fs::path root = dir_ / "ds";
  NnUNetDataset d = NnUNetDataset::create(root.string(), {"MR"}, labels_);
  const core::Phantom a = phantom(1), b = phantom(2);
  EXPECT_EQ(d.addCase(a.image, a.labels), "case_001");
  EXPECT_EQ(d.addCase(b.image, b.labels, "patient7"), "patient7");
  EXPECT_EQ(d.addCase(b.image, b.labels), "case_003");
  EXPECT_EQ(files(root), (std::vector<std::string>{"dataset.json", "imagesTr/case_001_0000.nii.gz",
                                                   "imagesTr/case_003_0000.nii.gz", "imagesTr/patient7_0000.nii.gz",
                                                   "labelsTr/case_001.nii.gz", "labelsTr/case_003.nii.gz",
                                                   "labelsTr/patient7.nii.gz"}));
  const NnUNetDataset loaded = NnUNetDataset::load(root.string());
  EXPECT_EQ(loaded.numTraining, 3);
  ASSERT_EQ(loaded.training.size(), 3u);
  const core::Volume image = readCaseImage(loaded.training[0]);
  EXPECT_TRUE(image.geometry().sameGrid(a.image.geometry()));
  EXPECT_EQ(image.voxels(), a.image.voxels());
  EXPECT_EQ(readLabelMap(loaded.training[0].labelPath).labels(), a.labels.labels());
  // A case name that exists is never overwritten.
  try {
    d.addCase(a.image, a.labels, "patient7");
    FAIL() << "overwrote a case";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("patient7: case already exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(readLabelMap((root / "labelsTr/patient7.nii.gz").string()).labels(), b.labels.labels());
}

TEST_F(NnUNetDatasetWriteTest, MultiChannelImagesBecomeOneFilePerChannel) {
  const fs::path root = dir_ / "ds";
  NnUNetDataset d = NnUNetDataset::create(root.string(), {"T1", "T2"}, labels_);
  const core::Phantom p = phantom();
  core::Volume two(p.image.geometry(), 2);
  const int64_t n = p.image.geometry().voxelCount();
  for (int64_t i = 0; i < n; ++i) {
    two.channel(0)[i] = p.image.data()[i];
    two.channel(1)[i] = 300.0f - p.image.data()[i];
  }
  d.addCase(two, p.labels, "c");
  const NnUNetDataset loaded = NnUNetDataset::load(root.string());
  ASSERT_EQ(loaded.training.size(), 1u);
  EXPECT_EQ(loaded.training[0].imagePaths[1], (root / "imagesTr/c_0001.nii.gz").string());
  EXPECT_EQ(readCaseImage(loaded.training[0]).voxels(), two.voxels());
  // readChannelFiles stacks the same files back.
  EXPECT_EQ(readChannelFiles(loaded.training[0].imagePaths).voxels(), two.voxels());
}

TEST_F(NnUNetDatasetWriteTest, UpdateKeepsTheOtherKeysOfDatasetJson) {
  const fs::path root = dir_ / "ds";
  NnUNetDataset d = NnUNetDataset::create(root.string(), {"MR"}, labels_);
  nlohmann::json j = json(root);
  j["description"] = "corrections from ward 3";
  j["licence"] = "CC-BY 4.0";
  std::ofstream(root / "dataset.json") << j.dump(2);
  d = NnUNetDataset::load(root.string());
  const core::Phantom p = phantom();
  d.addCase(p.image, p.labels);
  j = json(root);
  EXPECT_EQ(j["description"], "corrections from ward 3");
  EXPECT_EQ(j["licence"], "CC-BY 4.0");
  EXPECT_EQ(j["numTraining"], 1);
  EXPECT_EQ(j["labels"]["lesion"], 2);
}

// Each bad input: a one-line error naming what is wrong, and the dataset unchanged.
TEST_F(NnUNetDatasetWriteTest, BadInputIsRefusedAndNothingIsWritten) {
  const fs::path root = dir_ / "ds";
  NnUNetDataset d = NnUNetDataset::create(root.string(), {"MR"}, labels_);
  const core::Phantom p = phantom();
  d.addCase(p.image, p.labels, "good");
  const std::vector<std::string> before = files(root);
  const std::string jsonBefore = json(root).dump();
  auto refused = [&](const core::Volume& image, const core::LabelMap& mask, const std::string& name,
                     const std::string& expected) {
    try {
      d.addCase(image, mask, name, "img.nii.gz", "mask.nii.gz");
      ADD_FAILURE() << "accepted: " << expected;
    } catch (const core::Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(expected), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
    EXPECT_EQ(files(root), before) << expected;
    EXPECT_EQ(json(root).dump(), jsonBefore) << expected;
  };
  core::LabelMap shifted = p.labels;
  shifted.geometry().origin[0] += 5.0;
  refused(p.image, shifted, "", "mask.nii.gz: grid differs from the image img.nii.gz");
  core::Geometry smaller = p.image.geometry();
  smaller.size[2] -= 1;
  refused(p.image, core::LabelMap(smaller), "", "mask.nii.gz: grid differs");
  core::LabelMap unknown = p.labels;
  unknown.at(3, 3, 3) = 7;
  refused(p.image, unknown, "", "mask.nii.gz: holds label value 7, which");
  core::Volume two(p.image.geometry(), 2);
  refused(two, p.labels, "", "img.nii.gz: has 2 channel(s)");
  refused(p.image, p.labels, "../escape", "invalid case name");
}

}  // namespace
}  // namespace aunet::io
