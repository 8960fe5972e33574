// Planning (fingerprint -> TrainingPlan), `aunet plan` overrides and
// `aunet check-dataset` exit codes, on datasets generated at run time.

#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/CheckDatasetCommand.h"
#include "app/commands/PlanCommand.h"
#include "pipeline/ExperimentPlanner.h"
#include "pipeline/PlanNormalization.h"
#include "pipeline/DatasetFingerprint.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;
using io::test::ScratchTest;

io::NnUNetDataset fakeDataset(std::vector<std::string> channels) {
  io::NnUNetDataset d;
  d.root = "fake";
  d.name = "Fake";
  d.channelNames = std::move(channels);
  d.labels = {{"background", 0}, {"organ", 1}};
  return d;
}

pipeline::DatasetFingerprint fakeFingerprint(const std::vector<core::Vec3>& spacings, const core::Index3& size) {
  pipeline::DatasetFingerprint f;
  f.channels = 1;
  f.spacings = spacings;
  f.croppedSizes.assign(spacings.size(), size);
  imaging::IntensityStatistics s;
  s.count = 100;
  s.mean = 40;
  s.std = 20;
  s.percentile00_5 = -100;
  s.percentile99_5 = 300;
  f.foreground = {s};
  return f;
}

TEST(ExperimentPlannerTest, MedianSpacingAndBudgetedDivisiblePatch) {
  const auto plan = pipeline::planExperiment(fakeDataset({"MR"}),
                                   fakeFingerprint({{1.0, 1.0, 2.0}, {0.8, 0.8, 2.5}, {1.2, 1.2, 2.0}}, {200, 180, 90}));
  EXPECT_EQ(plan.spatial_dims, 3);
  EXPECT_EQ(plan.preprocessing.target_spacing, (std::vector<double>{1.0, 1.0, 2.0}));
  const auto& p = plan.preprocessing.patch_size;
  ASSERT_EQ(p.size(), 3u);
  const int64_t divisor = int64_t{1} << (plan.network_channels.size() - 1);
  for (int d = 0; d < 3; ++d) EXPECT_EQ(p[static_cast<size_t>(d)] % divisor, 0) << d;
  // Within the budget before rounding up to the divisor: at most one divisor step over per axis.
  EXPECT_LE((p[0] - divisor) * (p[1] - divisor) * (p[2] - divisor), 128 * 128 * 128);
  EXPECT_GT(p[0], p[2]);  // aspect kept: the thick axis has fewer voxels
  EXPECT_EQ(plan.network_channels.size(), 5u);
  EXPECT_EQ(plan.batch_size, 2);
  EXPECT_EQ(plan.preprocessing.normalization.scheme, "zscore");
}

TEST(ExperimentPlannerTest, AnisotropicAxisTakesTenthPercentile) {
  // Median (0.8, 0.8, 5): ratio 6.25 > 3, so k gets the 10th percentile of {3, 4, 5, 6, 7} = 3.4.
  const auto plan = pipeline::planExperiment(
      fakeDataset({"CT"}),
      fakeFingerprint({{0.8, 0.8, 3.0}, {0.8, 0.8, 4.0}, {0.8, 0.8, 5.0}, {0.8, 0.8, 6.0}, {0.8, 0.8, 7.0}}, {64, 64, 20}));
  EXPECT_NEAR(plan.preprocessing.target_spacing[2], 3.4, 1e-9);
  EXPECT_DOUBLE_EQ(plan.preprocessing.target_spacing[0], 0.8);
  // CT channel: the fingerprint's foreground statistics.
  const auto& n = plan.preprocessing.normalization;
  EXPECT_EQ(n.scheme, "ct");
  EXPECT_EQ(n.clip_low, std::vector<double>{-100});
  EXPECT_EQ(n.clip_high, std::vector<double>{300});
  EXPECT_EQ(n.mean, std::vector<double>{40});
}

TEST(ExperimentPlannerTest, SingleSliceCasesGive2dPlan) {
  const auto plan = pipeline::planExperiment(fakeDataset({"MR"}), fakeFingerprint({{0.5, 0.5, 1.0}, {0.6, 0.6, 1.0}}, {300, 260, 1}));
  EXPECT_EQ(plan.spatial_dims, 2);
  EXPECT_EQ(plan.preprocessing.patch_size[2], 1);
  EXPECT_GE(plan.batch_size, 2);
  EXPECT_LE(plan.batch_size, 32);
}

TEST(ExperimentPlannerTest, OverridesMergeAndInvalidValuesAreRejected) {
  const auto plan = pipeline::planExperiment(fakeDataset({"MR"}), fakeFingerprint({{1, 1, 1}}, {64, 64, 64}));
  const auto changed = plan.withOverrides(nlohmann::json{{"batch_size", 5}, {"optimizer", "adamw"}}, "cfg.json");
  EXPECT_EQ(changed.batch_size, 5);
  EXPECT_EQ(changed.optimizer, "adamw");
  EXPECT_EQ(changed.preprocessing.patch_size, plan.preprocessing.patch_size);
  try {
    plan.withOverrides(nlohmann::json{{"preprocessing", {{"patch_size", {30, 64, 64}}}}}, "cfg.json");
    FAIL() << "an indivisible patch was accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cfg.json: patch_size 30 is not divisible"), std::string::npos) << e.what();
  }
  EXPECT_THROW(plan.withOverrides(nlohmann::json{{"optimizer", "rmsprop"}}, "cfg.json"), core::Error);
  EXPECT_THROW(plan.withOverrides(nlohmann::json{{"batch_size", "big"}}, "cfg.json"), core::Error);
}

TEST(PlanNormalizationTest, SchemesMapToTheNormalizer) {
  core::Geometry g;
  g.size = {4, 1, 1};
  core::Volume v(g, 1);
  v.voxels() = {0.0f, 2.0f, 4.0f, 6.0f};
  model::IntensityNormalization ct;
  ct.scheme = "ct";
  ct.clip_low = {1.0};
  ct.clip_high = {5.0};
  ct.mean = {3.0};
  ct.std = {2.0};
  core::Volume a = v;
  pipeline::applyPlanNormalization(a, ct, "x");
  EXPECT_EQ(a.voxels(), (std::vector<float>{-1.0f, -0.5f, 0.5f, 1.0f}));
  model::IntensityNormalization z;  // zscore over the non-zero voxels only
  core::Volume b = v;
  pipeline::applyPlanNormalization(b, z, "x");
  EXPECT_EQ(b.voxels()[0], 0.0f);
  EXPECT_NEAR(b.voxels()[2], 0.0f, 1e-6);
  model::IntensityNormalization bad;
  bad.scheme = "minmax";
  EXPECT_THROW(pipeline::applyPlanNormalization(b, bad, "x"), core::Error);
}

class PlanCommandTest : public ScratchTest {};

TEST_F(PlanCommandTest, PlansGeneratedDatasetWithConfigAndSets) {
  io::test::PhantomDatasetSpec spec;
  spec.channels = {"CT"};
  io::test::writePhantomDataset(dir_ / "ds", spec);
  std::ofstream(dir_ / "cfg.json") << R"({"epochs": 7, "preprocessing": {"orientation": "LPS"}})";
  PlanOptions options;
  options.dataset = (dir_ / "ds").string();
  options.config = (dir_ / "cfg.json").string();
  options.sets = {"batch_size=3", "optimizer=adamw"};
  std::ostringstream out;
  ASSERT_EQ(runPlanCommand(options, out), 0);
  const auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["dataset"], "Phantoms");
  EXPECT_EQ(j["epochs"], 7);
  EXPECT_EQ(j["batch_size"], 3);
  EXPECT_EQ(j["optimizer"], "adamw");
  EXPECT_EQ(j["preprocessing"]["orientation"], "LPS");
  EXPECT_EQ(j["preprocessing"]["target_spacing"], (std::vector<double>{1.0, 1.0, 2.0}));
  EXPECT_EQ(j["preprocessing"]["normalization"]["scheme"], "ct");
  // Phantom foreground lies between the organ (100) and lesion (160) intensities.
  EXPECT_GT(j["preprocessing"]["normalization"]["mean"][0].get<double>(), 90.0);
  EXPECT_LT(j["preprocessing"]["normalization"]["mean"][0].get<double>(), 170.0);
  options.sets = {"nonsense"};
  EXPECT_THROW(runPlanCommand(options, out), core::Error);
  // Fields that depend on each other change together: validated once, after every --set.
  options.config.clear();
  options.sets = {"network_channels=[8,16,32,64]", "preprocessing.patch_size=[32,32,16]"};
  out.str("");
  ASSERT_EQ(runPlanCommand(options, out), 0);
  EXPECT_EQ(nlohmann::json::parse(out.str())["preprocessing"]["patch_size"], (std::vector<int>{32, 32, 16}));
  options.sets = {"network_channels=[8,16,32,64]", "preprocessing.patch_size=[32,32,12]"};
  try {
    runPlanCommand(options, out);
    FAIL() << "indivisible patch accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--set preprocessing.patch_size=[32,32,12]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not divisible"), std::string::npos) << e.what();
  }
}

TEST_F(PlanCommandTest, CheckDatasetExitCode) {
  io::test::writePhantomDataset(dir_ / "ds");
  CheckDatasetOptions options;
  options.dataset = (dir_ / "ds").string();
  std::ostringstream good;
  EXPECT_EQ(runCheckDatasetCommand(options, good), 0);
  EXPECT_NE(good.str().find("OK"), std::string::npos);
  fs::remove(dir_ / "ds" / "labelsTr" / "case_001.nii.gz");
  std::ostringstream bad;
  EXPECT_EQ(runCheckDatasetCommand(options, bad), 1);
  EXPECT_NE(bad.str().find("problem: case case_001: label: missing"), std::string::npos) << bad.str();
}

}  // namespace
}  // namespace aunet::app
