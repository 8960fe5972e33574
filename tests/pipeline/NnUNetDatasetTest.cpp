#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "pipeline/DatasetChecker.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "io/NnUNetDataset.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::pipeline {
namespace {

using namespace aunet::io;  // readers, writers and the dataset layout under test
namespace test = aunet::io::test;

namespace fs = std::filesystem;
using test::writePhantomDataset;

class NnUNetDatasetTest : public test::ScratchTest {
 protected:
  fs::path ds() const { return dir_ / "Dataset001_Phantoms"; }
  pipeline::DatasetCheckReport check() { return pipeline::checkDataset(NnUNetDataset::load(ds().string())); }
  static bool mentions(const pipeline::DatasetCheckReport& r, const std::string& text) {
    for (const auto& p : r.problems)
      if (p.find(text) != std::string::npos) return true;
    return false;
  }
  void writeJson(const std::string& text) { std::ofstream(ds() / "dataset.json") << text; }
  std::string loadError() {
    try {
      NnUNetDataset::load(ds().string());
    } catch (const core::Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(NnUNetDatasetTest, ReadsLayoutAndPassesCheck) {
  test::PhantomDatasetSpec spec;
  spec.channels = {"T1", "T2"};
  writePhantomDataset(ds(), spec);
  const NnUNetDataset d = NnUNetDataset::load(ds().string());
  EXPECT_EQ(d.name, "Phantoms");
  ASSERT_EQ(d.channelNames.size(), 2u);
  EXPECT_EQ(d.channelNames[1], "T2");
  EXPECT_EQ(d.fileEnding, ".nii.gz");
  ASSERT_EQ(d.training.size(), 4u);
  EXPECT_EQ(d.training[0].id, "case_000");
  EXPECT_EQ(d.labelValues(), (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(d.isCtChannel(0));
  const pipeline::DatasetCheckReport r = pipeline::checkDataset(d);
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.checkedCases, 4);
  std::ostringstream out;
  r.print(out, d);
  EXPECT_NE(out.str().find("OK"), std::string::npos);
}

TEST_F(NnUNetDatasetTest, MissingChannelAndLabelAreReported) {
  test::PhantomDatasetSpec spec;
  spec.channels = {"T1", "T2"};
  writePhantomDataset(ds(), spec);
  fs::remove(ds() / "imagesTr" / "case_001_0001.nii.gz");
  fs::remove(ds() / "labelsTr" / "case_002.nii.gz");
  const auto r = check();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r, "case case_001: channel 1: missing image imagesTr/case_001_0001.nii.gz"));
  EXPECT_TRUE(mentions(r, "case case_002: label: missing labelsTr/case_002.nii.gz"));
  EXPECT_EQ(r.checkedCases, 2);
}

TEST_F(NnUNetDatasetTest, GridMismatchThroughGeometryIsReported) {
  writePhantomDataset(ds());
  // Same size, different origin: only geometry tells them apart.
  auto labels = readLabelMap((ds() / "labelsTr" / "case_000.nii.gz").string());
  labels.geometry().origin[0] += 7.0;
  writeLabelMap(labels, (ds() / "labelsTr" / "case_000.nii.gz").string());
  const auto r = check();
  EXPECT_TRUE(mentions(r, "label grid differs from the image")) << (r.problems.empty() ? "" : r.problems[0]);
}

TEST_F(NnUNetDatasetTest, UndeclaredLabelValueIsReported) {
  writePhantomDataset(ds());
  auto labels = readLabelMap((ds() / "labelsTr" / "case_003.nii.gz").string());
  labels.at(0, 0, 0) = 7;
  writeLabelMap(labels, (ds() / "labelsTr" / "case_003.nii.gz").string());
  EXPECT_TRUE(mentions(check(), "label value 7 is not declared"));
}

TEST_F(NnUNetDatasetTest, NanImageIsReported) {
  // NRRD keeps NaN through writeImage (our NIfTI writer does not, see the report).
  test::PhantomDatasetSpec spec;
  spec.ending = ".nrrd";
  writePhantomDataset(ds(), spec);
  const std::string file = (ds() / "imagesTr" / "case_001_0000.nrrd").string();
  core::Volume v = readImage(file);
  v.at(3, 3, 3) = std::numeric_limits<float>::quiet_NaN();
  writeImage(v, file);
  const auto r = check();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(mentions(r, "case case_001: " + file)) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_TRUE(mentions(r, "NaN")) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.checkedCases, 3);
}

TEST_F(NnUNetDatasetTest, FileOutsideTheDatasetIsReported) {
  writePhantomDataset(ds());
  fs::rename(ds() / "labelsTr" / "case_000.nii.gz", dir_ / "elsewhere.nii.gz");
  fs::create_symlink(dir_ / "elsewhere.nii.gz", ds() / "labelsTr" / "case_000.nii.gz");
  EXPECT_TRUE(mentions(check(), "resolves outside the dataset folder"));
}

TEST_F(NnUNetDatasetTest, NumTrainingMismatchIsReported) {
  test::PhantomDatasetSpec spec;
  spec.cases = 3;
  writePhantomDataset(ds(), spec);
  writeJson(R"({"channel_names": {"0": "MR"}, "labels": {"background": 0, "organ": 1, "lesion": 2},
                "numTraining": 5, "file_ending": ".nii.gz"})");
  EXPECT_TRUE(mentions(check(), "numTraining is 5 but 3 training case(s) were found"));
}

TEST_F(NnUNetDatasetTest, BrokenDatasetJsonGivesOneLineErrorNamingTheFile) {
  writePhantomDataset(ds());
  const std::string file = (ds() / "dataset.json").string();
  writeJson("{\"channel_names\": {\"0\": \"MR\"");
  std::string e = loadError();
  EXPECT_EQ(e.rfind(file + ": invalid JSON", 0), 0u) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
  writeJson(R"({"channel_names": {"0": "MR"}, "numTraining": 4, "file_ending": ".nii.gz"})");
  EXPECT_EQ(loadError(), file + ": missing key 'labels'");
  writeJson(R"({"labels": {"background": 0}, "numTraining": 4, "file_ending": ".nii.gz"})");
  EXPECT_EQ(loadError(), file + ": missing key 'channel_names'");
  writeJson(R"({"channel_names": {"0": "MR"}, "labels": {"background": 0}, "file_ending": ".nii.gz"})");
  EXPECT_EQ(loadError(), file + ": missing key 'numTraining'");
  writeJson(R"({"channel_names": {"0": "MR"}, "labels": {"background": 0}, "numTraining": 4, "file_ending": "../x"})");
  EXPECT_NE(loadError().find("'file_ending' must be an extension"), std::string::npos);
  writeJson(R"({"channel_names": {"0": "MR"}, "labels": {"background": 0, "a": [1, 2]}, "numTraining": 4, "file_ending": ".nii.gz"})");
  EXPECT_NE(loadError().find("region-based"), std::string::npos);
  fs::remove(ds() / "dataset.json");
  EXPECT_EQ(loadError(), file + ": missing or unreadable dataset.json");
}

}  // namespace
}  // namespace aunet::pipeline
