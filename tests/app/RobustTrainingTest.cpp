// Issue 28 end to end: the planner's rule for intensity randomization,
// `aunet train --intensity-randomization`, `--synthetic` (with and without
// labelsContext/) and `--val-dataset NAME=DIR` (its own Dice in progress.json,
// metrics.csv and the log), and their bad input.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/TrainCommand.h"
#include "core/Error.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "pipeline/ExperimentPlanner.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

pipeline::DatasetFingerprint fingerprint(const std::vector<core::Vec3>& spacings, const std::vector<double>& contrast) {
  pipeline::DatasetFingerprint f;
  f.channels = 1;
  f.spacings = spacings;
  f.croppedSizes.assign(spacings.size(), {64, 64, 32});
  imaging::IntensityStatistics s;
  s.count = 100, s.mean = 40, s.std = 20, s.percentile00_5 = -100, s.percentile99_5 = 300;
  f.foreground = {s};
  f.foregroundContrast = contrast;
  return f;
}

io::NnUNetDataset dataset(const std::string& channel) {
  io::NnUNetDataset d;
  d.root = "fake";
  d.channelNames = {channel};
  d.labels = {{"background", 0}, {"organ", 1}};
  return d;
}

TEST(IntensityRandomizationRuleTest, OnForMixedSpacingsOrContrastsOnly) {
  const std::vector<core::Vec3> same{{1, 1, 2}, {1.1, 1.1, 2.5}}, mixed{{1, 1, 2}, {1, 1, 5}};
  std::string why;
  EXPECT_FALSE(pipeline::mixesContrastsOrSpacings(dataset("T1"), fingerprint(same, {0.8, 1.2}), &why)) << why;
  EXPECT_TRUE(pipeline::mixesContrastsOrSpacings(dataset("T1"), fingerprint(mixed, {0.8, 1.2}), &why));
  EXPECT_NE(why.find("axis 2"), std::string::npos) << why;
  // Bright foreground in one case, dark in another: mixed contrasts (MR) ...
  EXPECT_TRUE(pipeline::mixesContrastsOrSpacings(dataset("MR"), fingerprint(same, {1.0, -0.5}), &why));
  EXPECT_NE(why.find("contrast"), std::string::npos) << why;
  // ... but CT is calibrated: differences there are anatomy, not contrast.
  EXPECT_FALSE(pipeline::mixesContrastsOrSpacings(dataset("CT"), fingerprint(same, {1.0, -0.5}), &why));
  EXPECT_TRUE(pipeline::planExperiment(dataset("MR"), fingerprint(same, {1.0, -0.5})).augmentation.intensityRandomization());
  EXPECT_FALSE(pipeline::planExperiment(dataset("MR"), fingerprint(same, {1.0, 1.1})).augmentation.intensityRandomization());
}

class RobustTrainingTest : public io::test::ScratchTest {
 protected:
  fs::path makeDataset(const std::string& name, bool invert = false) {
    io::test::PhantomDatasetSpec spec;
    spec.cases = 3;
    spec.size = {32, 32, 1};
    spec.spacings = {{1.0, 1.0, 1.0}};
    const fs::path ds = dir_ / name;
    io::test::writePhantomDataset(ds, spec);
    if (invert)
      for (const auto& entry : fs::directory_iterator(ds / "imagesTr")) {
        core::Volume v = io::readImage(entry.path().string());
        for (float& x : v.voxels()) x = 300.0f - x;
        io::writeImage(v, entry.path().string());
      }
    return ds;
  }
  TrainOptions options(const fs::path& ds, const fs::path& run) {
    TrainOptions o;
    o.dataset = ds.string();
    o.runDir = run.string();
    o.sets = {"network_channels=[4,8,16]", "batch_size=4", "optimizer=adamw", "learning_rate=0.01"};
    o.epochs = 2;
    o.iterationsPerEpoch = 4;
    o.fold = "all";
    o.device = "cpu";
    o.seed = 3;
    return o;
  }
  static nlohmann::json readJson(const fs::path& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
  }
};

TEST_F(RobustTrainingTest, ValDatasetsGetTheirOwnDiceColumnsAndCurves) {
  const fs::path ds = makeDataset("ds");
  TrainOptions o = options(ds, dir_ / "run");
  o.valDatasets = {"same=" + makeDataset("copy").string(), "inverted=" + makeDataset("inverted", true).string()};
  o.intensityRandomization = "on";
  std::ostringstream out;
  ASSERT_EQ(runTrainCommand(o, out), 0) << out.str();
  const auto progress = readJson(dir_ / "run" / "progress.json");
  EXPECT_EQ(progress["extra_validation"], (nlohmann::json{"same", "inverted"}));
  for (const auto& epoch : progress["history"]) {
    ASSERT_EQ(epoch["extra_mean_dice"].size(), 2u);
    ASSERT_EQ(epoch["extra_dice"][0].size(), 2u);  // organ, lesion
    // The same cases as the main validation (--fold all): the same Dice.
    EXPECT_NEAR(epoch["extra_mean_dice"][0].get<double>(), epoch["mean_dice"].get<double>(), 1e-9);
  }
  std::ifstream csv(dir_ / "run" / "metrics.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_NE(header.find(",same_mean_dice,inverted_mean_dice,"), std::string::npos) << header;
  EXPECT_TRUE(fs::exists(dir_ / "run" / "training_curves.png"));
  const auto plan = readJson(dir_ / "run" / "plan.json");
  EXPECT_DOUBLE_EQ(plan["augmentation"]["intensity_remap"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(plan["augmentation"]["bias_field"].get<double>(), 0.3);
  EXPECT_DOUBLE_EQ(plan["augmentation"]["low_resolution"].get<double>(), 0.25);

  // off forces it off; auto follows the planner (these cases share spacing and contrast).
  for (const char* mode : {"off", "auto"}) {
    TrainOptions plain = options(ds, dir_ / (std::string("run_") + mode));
    plain.intensityRandomization = mode;
    plain.epochs = 1;
    ASSERT_EQ(runTrainCommand(plain, out), 0);
    EXPECT_DOUBLE_EQ(readJson(dir_ / (std::string("run_") + mode) / "plan.json")["augmentation"]["intensity_remap"].get<double>(), 0.0);
  }

  // The switch sets the defaults; --set still chooses a probability.
  TrainOptions tuned = options(ds, dir_ / "run_tuned");
  tuned.intensityRandomization = "on";
  tuned.epochs = 1;
  tuned.sets.push_back("augmentation.bias_field=0.1");
  ASSERT_EQ(runTrainCommand(tuned, out), 0);
  const auto tunedPlan = readJson(dir_ / "run_tuned" / "plan.json");
  EXPECT_DOUBLE_EQ(tunedPlan["augmentation"]["bias_field"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(tunedPlan["augmentation"]["intensity_remap"].get<double>(), 0.5);
}

TEST_F(RobustTrainingTest, SyntheticTrainingRunsFromLabelsWithAndWithoutContext) {
  const fs::path ds = makeDataset("ds");
  TrainOptions o = options(ds, dir_ / "synthetic");
  o.synthetic = true;
  std::ostringstream out;
  ASSERT_EQ(runTrainCommand(o, out), 0) << out.str();
  auto plan = readJson(dir_ / "synthetic" / "plan.json");
  EXPECT_DOUBLE_EQ(plan["augmentation"]["synthetic"].get<double>(), 1.0);
  auto progress = readJson(dir_ / "synthetic" / "progress.json");
  ASSERT_EQ(progress["history"].size(), 2u);
  EXPECT_TRUE(std::isfinite(progress["history"][1]["train_loss"].get<double>()));

  // labelsContext/: the label maps themselves as context (any label values work); a ratio from --set.
  fs::create_directories(ds / "labelsContext");
  for (const auto& entry : fs::directory_iterator(ds / "labelsTr"))
    fs::copy_file(entry.path(), ds / "labelsContext" / entry.path().filename());
  TrainOptions mixed = options(ds, dir_ / "mixed");
  mixed.synthetic = true;
  mixed.sets.push_back("augmentation.synthetic=0.5");
  ASSERT_EQ(runTrainCommand(mixed, out), 0) << out.str();
  plan = readJson(dir_ / "mixed" / "plan.json");
  EXPECT_DOUBLE_EQ(plan["augmentation"]["synthetic"].get<double>(), 0.5);
}

TEST_F(RobustTrainingTest, BadValDatasetsAreOneLineErrors) {
  const fs::path ds = makeDataset("ds");
  std::ostringstream out;
  TrainOptions o = options(ds, dir_ / "bad");
  o.valDatasets = {"nodir"};
  try {
    runTrainCommand(o, out);
    FAIL() << "accepted --val-dataset without NAME=DIR";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("NAME=DIR"), std::string::npos) << e.what();
  }
  io::test::PhantomDatasetSpec spec;
  spec.cases = 1;
  spec.size = {32, 32, 1};
  spec.mergeLesion = true;  // labels background / organ only
  io::test::writePhantomDataset(dir_ / "twolabels", spec);
  o.valDatasets = {"other=" + (dir_ / "twolabels").string()};
  try {
    runTrainCommand(o, out);
    FAIL() << "accepted a --val-dataset with other labels";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--val-dataset other: labels"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aunet::app
