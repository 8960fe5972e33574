// `aunet evaluate` in-process on generated label maps: matching by name, a prediction
// on a flipped (physically equivalent) grid, known Dice, JSON/CSV reports, unmatched
// and unreadable cases, exit codes.

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/EvaluateCommand.h"
#include "io/ImageWriter.h"
#include "core/Error.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

core::Geometry grid() {
  core::Geometry g;
  g.size = {20, 18, 12};
  g.spacing = {0.75, 1.25, 2.5};
  g.origin = {10, -20, 5};
  return g;
}

// Label 1: box i 4..13, j 3..12, k 2..9 shifted by `shift` along i; label 2: a small
// box, when `withLabel2`.
core::LabelMap labels(int shift, bool withLabel2) {
  core::LabelMap map(grid());
  for (int64_t k = 2; k <= 9; ++k)
    for (int64_t j = 3; j <= 12; ++j)
      for (int64_t i = 4; i <= 13; ++i) map.at(i + shift, j, k) = 1;
  if (withLabel2)
    for (int64_t k = 0; k < 2; ++k)
      for (int64_t j = 14; j < 17; ++j)
        for (int64_t i = 15; i < 19; ++i) map.at(i, j, k) = 2;
  return map;
}

// The same voxels on a grid whose i and j axes run the other way: voxel centres (and
// so the physical content) are unchanged, the grid is not.
core::LabelMap flipped(const core::LabelMap& in) {
  core::Geometry g = in.geometry();
  for (int a = 0; a < 2; ++a) g.origin[a] += (g.size[a] - 1) * g.spacing[a];
  g.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
  core::LabelMap out(g);
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) out.at(g.size[0] - 1 - i, g.size[1] - 1 - j, k) = in.at(i, j, k);
  return out;
}

class EvaluateCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aunet-evaluate-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "pred");
    fs::create_directories(dir_ / "ref");
    // case_a: identical content, prediction on a flipped grid, as .nrrd.
    io::writeLabelMap(labels(0, true), (dir_ / "ref/case_a.nii.gz").string());
    io::writeLabelMap(flipped(labels(0, true)), (dir_ / "pred/case_a.nrrd").string());
    // case_b: label 1 shifted by 2 voxels (Dice 2*80*8/(2*100*8) = 0.8), no label 2.
    io::writeLabelMap(labels(0, false), (dir_ / "ref/case_b.nii").string());
    io::writeLabelMap(labels(2, false), (dir_ / "pred/case_b.nii.gz").string());
    io::writeLabelMap(labels(0, false), (dir_ / "ref/only_ref.mha").string());
    io::writeLabelMap(labels(0, false), (dir_ / "pred/only_pred.nii.gz").string());
    std::ofstream(dir_ / "pred/notes.txt") << "not an image";
  }
  void TearDown() override { fs::remove_all(dir_); }

  EvaluateOptions options() const {
    EvaluateOptions o;
    o.predictionDir = (dir_ / "pred").string();
    o.referenceDir = (dir_ / "ref").string();
    o.jsonReport = (dir_ / "out/report.json").string();
    o.csvReport = (dir_ / "out/report.csv").string();
    return o;
  }
  nlohmann::json report() const {
    std::ifstream in(dir_ / "out/report.json");
    return nlohmann::json::parse(in);
  }
  std::string csv() const {
    std::ifstream in(dir_ / "out/report.csv");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  fs::path dir_;
};

const nlohmann::json& labelEntry(const nlohmann::json& caseEntry, int label) {
  for (const auto& l : caseEntry["labels"])
    if (l["label"] == label) return l;
  throw std::runtime_error("label " + std::to_string(label) + " missing");
}

TEST_F(EvaluateCommandTest, EvaluatesMatchedCasesAndReportsEverything) {
  std::ostringstream out;
  ASSERT_EQ(runEvaluateCommand(options(), out), 0) << out.str();
  const nlohmann::json j = report();
  EXPECT_EQ(j["labels"], nlohmann::json::array({1, 2}));
  ASSERT_EQ(j["cases"].size(), 2u);
  const auto& a = j["cases"][0];
  EXPECT_EQ(a["case"], "case_a");
  EXPECT_TRUE(a["resampled"].get<bool>());
  for (int label : {1, 2}) {
    EXPECT_DOUBLE_EQ(labelEntry(a, label)["dice"].get<double>(), 1.0) << "label " << label;
    EXPECT_DOUBLE_EQ(labelEntry(a, label)["hd95_mm"].get<double>(), 0.0) << "label " << label;
  }
  const auto& b = j["cases"][1];
  EXPECT_EQ(b["case"], "case_b");
  EXPECT_FALSE(b["resampled"].get<bool>());
  EXPECT_DOUBLE_EQ(labelEntry(b, 1)["dice"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(labelEntry(b, 1)["hausdorff_mm"].get<double>(), 1.5);  // 2 voxels of 0.75 mm
  EXPECT_DOUBLE_EQ(labelEntry(b, 2)["dice"].get<double>(), 1.0);         // absent in both

  const auto& summary1 = j["summary"][0];
  EXPECT_EQ(summary1["label"], 1);
  EXPECT_DOUBLE_EQ(summary1["dice"]["mean"].get<double>(), 0.9);
  EXPECT_NEAR(summary1["dice"]["std"].get<double>(), 0.1, 1e-12);
  EXPECT_EQ(summary1["dice"]["count"], 2);
  EXPECT_EQ(j["unmatched_predictions"], nlohmann::json::array({"only_pred"}));
  EXPECT_EQ(j["unmatched_references"], nlohmann::json::array({"only_ref"}));
  EXPECT_TRUE(j["failed"].empty());

  const std::string table = csv();
  EXPECT_EQ(table.rfind("case,label,dice,iou,hd95_mm,assd_mm,hausdorff_mm,", 0), 0u) << table;
  EXPECT_NE(table.find("\ncase_b,1,0.8,"), std::string::npos) << table;
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 5);  // header + 2 cases x 2 labels

  const std::string text = out.str();
  EXPECT_NE(text.find("case_a"), std::string::npos) << text;
  EXPECT_NE(text.find("(resampled)"), std::string::npos) << text;
  EXPECT_NE(text.find("0.9000 +- 0.1000"), std::string::npos) << text;
  EXPECT_NE(text.find("Predictions without a reference (1): only_pred"), std::string::npos) << text;
  EXPECT_NE(text.find("References without a prediction (1): only_ref"), std::string::npos) << text;
  for (const auto& e : fs::directory_iterator(dir_ / "out"))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST_F(EvaluateCommandTest, LabelsOptionRestrictsTheLabels) {
  EvaluateOptions o = options();
  o.labels = {1};
  std::ostringstream out;
  ASSERT_EQ(runEvaluateCommand(o, out), 0);
  const nlohmann::json j = report();
  EXPECT_EQ(j["labels"], nlohmann::json::array({1}));
  EXPECT_EQ(j["cases"][0]["labels"].size(), 1u);
  EXPECT_EQ(j["summary"].size(), 1u);
}

TEST_F(EvaluateCommandTest, EmptyPredictionHasUndefinedDistances) {
  io::writeLabelMap(core::LabelMap(grid()), (dir_ / "pred/case_b.nii.gz").string());
  std::ostringstream out;
  ASSERT_EQ(runEvaluateCommand(options(), out), 0);
  const nlohmann::json j = report();
  const auto& b1 = labelEntry(j["cases"][1], 1);
  EXPECT_DOUBLE_EQ(b1["dice"].get<double>(), 0.0);
  EXPECT_TRUE(b1["hd95_mm"].is_null());
  EXPECT_EQ(j["summary"][0]["hd95_mm"]["count"], 1);
  EXPECT_EQ(j["summary"][0]["hd95_mm"]["undefined"], 1);
  EXPECT_DOUBLE_EQ(j["summary"][0]["dice"]["mean"].get<double>(), 0.5);
  EXPECT_NE(csv().find("\ncase_b,1,0,0,,,,0,800,0,false\n"), std::string::npos) << csv();
}

TEST_F(EvaluateCommandTest, UnreadableFileFailsTheRunButNotTheOtherCases) {
  std::ofstream(dir_ / "pred/case_c.nii.gz") << "definitely not gzip";
  io::writeLabelMap(labels(0, false), (dir_ / "ref/case_c.nii.gz").string());
  std::ostringstream out;
  EXPECT_EQ(runEvaluateCommand(options(), out), 1);
  const nlohmann::json j = report();
  EXPECT_EQ(j["cases"].size(), 2u);
  ASSERT_EQ(j["failed"].size(), 1u);
  EXPECT_EQ(j["failed"][0]["case"], "case_c");
  EXPECT_NE(j["failed"][0]["error"].get<std::string>().find("case_c.nii.gz"), std::string::npos);
  EXPECT_NE(out.str().find("FAILED case_c"), std::string::npos) << out.str();
}

TEST_F(EvaluateCommandTest, NothingMatchedFails) {
  EvaluateOptions o = options();
  o.referenceDir = (dir_ / "empty").string();
  fs::create_directories(o.referenceDir);
  o.jsonReport.clear();
  std::ostringstream out;
  EXPECT_EQ(runEvaluateCommand(o, out), 1);
  EXPECT_NE(out.str().find("No case matched"), std::string::npos) << out.str();
}

TEST_F(EvaluateCommandTest, MissingFolderAndBadLabelThrow) {
  EvaluateOptions o = options();
  o.predictionDir = (dir_ / "nope").string();
  std::ostringstream out;
  EXPECT_THROW(runEvaluateCommand(o, out), core::Error);
  o = options();
  o.labels = {0};
  EXPECT_THROW(runEvaluateCommand(o, out), core::Error);
}

}  // namespace
}  // namespace aunet::app
