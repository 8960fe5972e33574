// Learning from corrections on the command line: `aunet dataset create/add` (good and
// each bad input), `aunet train --init-from NAME` keeping the model's plan by default
// for a dataset made from it (--keep-plan / --replan), and the version history the
// fine-tuned model file records (parent, date, cases added).

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/DatasetCommand.h"
#include "app/commands/TrainCommand.h"
#include "pipeline/DatasetChecker.h"
#include "io/ImageWriter.h"
#include "io/NnUNetDataset.h"
#include "core/Error.h"
#include "core/Phantom.h"
#include "model/ModelFile.h"
#include "tests/app/TinyModelFile.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

class FineTuneCommandTest : public io::test::ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    // "tiny" is an installed model: found by name through AUNET_MODEL_PATH.
    fs::create_directories(dir_ / "models");
    test::writeTinyModelFile((dir_ / "models" / "tiny.aunet").string(), 5, {1.5, 1.5, 3.0});
    if (const char* old = std::getenv("AUNET_MODEL_PATH")) saved_ = old;
    ::setenv("AUNET_MODEL_PATH", (dir_ / "models").string().c_str(), 1);
  }
  void TearDown() override {
    if (saved_) ::setenv("AUNET_MODEL_PATH", saved_->c_str(), 1);
    else ::unsetenv("AUNET_MODEL_PATH");
    ScratchTest::TearDown();
  }
  // A phantom image and mask written as files: (image path, mask path).
  std::pair<std::string, std::string> writeCase(const std::string& name, uint64_t seed, bool moveMask = false) {
    core::Geometry g;
    g.size = {24, 20, 12};
    g.spacing = {1.0, 1.0, 2.0};
    core::Phantom p = core::Phantom::ellipsoids(g, seed, 4.0);
    if (moveMask) p.labels.geometry().origin[2] += 2.0;
    const std::string image = path(name + ".nii.gz"), mask = path(name + "_mask.nii.gz");
    io::writeImage(p.image, image);
    io::writeLabelMap(p.labels, mask);
    return {image, mask};
  }
  fs::path datasetWithCases(int cases, const std::string& model = "tiny") {
    const fs::path ds = dir_ / "corrections";
    std::ostringstream out;
    DatasetOptions create;
    create.dataset = ds.string();
    create.model = model;
    EXPECT_EQ(runDatasetCreate(create, out), 0);
    for (int i = 0; i < cases; ++i) addCase(ds, static_cast<uint64_t>(i + 1));
    return ds;
  }
  void addCase(const fs::path& ds, uint64_t seed) {
    const auto [image, mask] = writeCase("case" + std::to_string(seed), seed);
    DatasetOptions add;
    add.dataset = ds.string();
    add.images = {image};
    add.mask = mask;
    std::ostringstream out;
    EXPECT_EQ(runDatasetAdd(add, out), 0);
  }
  TrainOptions fineTune(const fs::path& ds, const fs::path& run, const std::string& from) {
    TrainOptions o;
    o.dataset = ds.string();
    o.runDir = run.string();
    o.initFrom = from;
    o.epochs = 1;
    o.iterationsPerEpoch = 2;
    o.device = "cpu";
    o.progress = "none";
    return o;
  }
  std::vector<std::string> files(const fs::path& root) const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root).string());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::optional<std::string> saved_;
};

TEST_F(FineTuneCommandTest, CreateTakesChannelsAndLabelsFromTheModelByName) {
  const fs::path ds = datasetWithCases(0);
  const io::NnUNetDataset d = io::NnUNetDataset::load(ds.string());
  // An older model file without channel names reads as channel0, ...
  EXPECT_EQ(d.channelNames, (std::vector<std::string>{"channel0"}));
  EXPECT_EQ(d.labels, (std::vector<std::pair<std::string, int>>{{"background", 0}, {"label 1", 1}, {"label 2", 2}}));
  EXPECT_EQ(d.sourceModel, (dir_ / "models" / "tiny.aunet").string());
  EXPECT_EQ(d.sourceModelCreated, model::ModelFile::readMetadata((dir_ / "models/tiny.aunet").string()).provenance.created);

  // A model that names its channels passes them on.
  auto meta = model::ModelFile::readMetadata((dir_ / "models/tiny.aunet").string());
  meta.channel_names = {"T1"};
  torch::manual_seed(1);
  model::AttentionUNet net(model::AttentionUNetOptions(3, 1, 3).channels({4, 8, 16}));
  model::ModelFile::save(path("named.aunet"), net, meta);
  EXPECT_EQ(model::ModelFile::readMetadata(path("named.aunet")).channel_names, (std::vector<std::string>{"T1"}));
  DatasetOptions create;
  create.dataset = path("named-ds");
  create.model = path("named.aunet");
  std::ostringstream out;
  ASSERT_EQ(runDatasetCreate(create, out), 0);
  EXPECT_EQ(io::NnUNetDataset::load(path("named-ds")).channelNames, (std::vector<std::string>{"T1"}));
  // An unknown model name is an error, and no folder appears.
  create.dataset = path("nothing");
  create.model = "no-such-model";
  EXPECT_THROW(runDatasetCreate(create, out), core::Error);
  EXPECT_FALSE(fs::exists(path("nothing")));
}

TEST_F(FineTuneCommandTest, AddWritesACheckedCaseAndRefusesBadInput) {
  const fs::path ds = datasetWithCases(1);
  const io::NnUNetDataset d = io::NnUNetDataset::load(ds.string());
  EXPECT_EQ(d.numTraining, 1);
  EXPECT_TRUE(pipeline::checkDataset(d).ok());
  const std::vector<std::string> before = files(ds);

  auto refused = [&](DatasetOptions add, const std::string& expected) {
    add.dataset = ds.string();
    std::ostringstream out;
    try {
      runDatasetAdd(add, out);
      ADD_FAILURE() << "accepted: " << expected;
    } catch (const core::Error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
    EXPECT_EQ(files(ds), before) << expected;
  };
  const auto [image, mask] = writeCase("other", 9);
  const auto [image2, movedMask] = writeCase("moved", 9, true);
  refused({"", "", {image}, movedMask, ""}, "moved_mask.nii.gz: grid differs from the image");
  core::Geometry g;
  g.size = {24, 20, 12};
  g.spacing = {1.0, 1.0, 2.0};
  core::LabelMap strange(g);
  strange.at(1, 2, 3) = 9;
  io::writeLabelMap(strange, path("strange.nii.gz"));
  refused({"", "", {image}, path("strange.nii.gz"), ""}, "strange.nii.gz: holds label value 9");
  refused({"", "", {image, image}, mask, ""}, "names 1 channel(s) (channel0), got 2 --image");
  refused({"", "", {image}, mask, "case_001"}, "case_001: case already exists");
  refused({"", "", {image}, path("no-such-mask.nii.gz"), ""}, "no-such-mask.nii.gz");
  refused({"", "", {path("no-such-image.nii.gz")}, mask, ""}, "no-such-image.nii.gz");
  DatasetOptions missing{path("no-dataset"), "", {image}, mask, ""};
  std::ostringstream out;
  EXPECT_THROW(runDatasetAdd(missing, out), core::Error);
}

TEST_F(FineTuneCommandTest, InitFromNameKeepsThePlanAndRecordsVersionHistory) {
  const fs::path ds = datasetWithCases(3);
  std::ostringstream out;
  ASSERT_EQ(runTrainCommand(fineTune(ds, dir_ / "v2", "tiny"), out), 0) << out.str();
  EXPECT_NE(out.str().find("Fine-tuning"), std::string::npos) << out.str();
  const auto parent = model::ModelFile::readMetadata((dir_ / "models/tiny.aunet").string());
  const auto v2 = model::ModelFile::readMetadata((dir_ / "v2/model.aunet").string());
  // The plan is the model's: same spacing, patch, normalization (no replanning).
  EXPECT_EQ(v2.plan.toJson(), parent.plan.toJson());
  EXPECT_EQ(v2.plan.target_spacing, (std::vector<double>{1.5, 1.5, 3.0}));
  EXPECT_EQ(v2.architecture.at("channels"), parent.architecture.at("channels"));
  std::ifstream planIn(dir_ / "v2/plan.json");
  const auto plan = nlohmann::json::parse(planIn);
  EXPECT_DOUBLE_EQ(plan["learning_rate"].get<double>(), 1e-3);
  // The version history: parent, date, cases added.
  ASSERT_EQ(v2.provenance.history.size(), 1u);
  const auto& step = v2.provenance.history[0];
  EXPECT_EQ(step.parent, "tiny.aunet");
  EXPECT_EQ(step.parent_created, parent.provenance.created);
  EXPECT_EQ(step.dataset, "corrections");
  EXPECT_EQ(step.cases_added, (std::vector<std::string>{"case_001", "case_002", "case_003"}));
  EXPECT_EQ(step.created.size(), 20u) << step.created;  // 2026-01-02T03:04:05Z
  EXPECT_EQ(v2.labels[1].name, "label 1");
  EXPECT_NE(v2.description.find("fine-tuned on corrections"), std::string::npos) << v2.description;

  // Fine-tuning the new version on the dataset with one more case: only that one is added.
  addCase(ds, 4);
  ASSERT_EQ(runTrainCommand(fineTune(ds, dir_ / "v3", (dir_ / "v2/model.aunet").string()), out), 0) << out.str();
  const auto v3 = model::ModelFile::readMetadata((dir_ / "v3/model.aunet").string());
  ASSERT_EQ(v3.provenance.history.size(), 2u);
  EXPECT_EQ(v3.provenance.history[0].parent, "tiny.aunet");
  EXPECT_EQ(v3.provenance.history[1].parent, "model.aunet");
  EXPECT_EQ(v3.provenance.history[1].cases_added, (std::vector<std::string>{"case_004"}));
  EXPECT_EQ(v3.plan.toJson(), parent.plan.toJson());
}

TEST_F(FineTuneCommandTest, ReplanAndKeepPlanFlags) {
  const fs::path ds = datasetWithCases(2);
  std::ostringstream out;
  // --replan: the dataset's own plan (its spacing), the parent still recorded.
  TrainOptions replan = fineTune(ds, dir_ / "replanned", "tiny");
  replan.replan = true;
  replan.sets = {"network_channels=[4,8,16]", "batch_size=2"};
  ASSERT_EQ(runTrainCommand(replan, out), 0) << out.str();
  const auto r = model::ModelFile::readMetadata((dir_ / "replanned/model.aunet").string());
  EXPECT_NE(r.plan.target_spacing, (std::vector<double>{1.5, 1.5, 3.0}));
  ASSERT_EQ(r.provenance.history.size(), 1u);
  EXPECT_EQ(r.provenance.history[0].parent, "tiny.aunet");

  // Both flags, or either without --init-from: refused.
  TrainOptions both = fineTune(ds, dir_ / "both", "tiny");
  both.keepPlan = both.replan = true;
  EXPECT_THROW(runTrainCommand(both, out), core::Error);
  TrainOptions alone = fineTune(ds, dir_ / "alone", "");
  alone.keepPlan = true;
  EXPECT_THROW(runTrainCommand(alone, out), core::Error);
  // --keep-plan refuses overrides that would change the grid.
  TrainOptions grid = fineTune(ds, dir_ / "grid", "tiny");
  grid.keepPlan = true;
  grid.sets = {"preprocessing.target_spacing=[1,1,1]"};
  EXPECT_THROW(runTrainCommand(grid, out), core::Error);
  EXPECT_FALSE(fs::exists(dir_ / "grid" / "model.aunet"));
}

TEST_F(FineTuneCommandTest, KeepPlanRefusesADatasetWithOtherLabels) {
  io::test::PhantomDatasetSpec spec;
  spec.cases = 2;
  spec.mergeLesion = true;  // background and organ only: the model has three labels
  io::test::writePhantomDataset(dir_ / "two-labels", spec);
  TrainOptions o = fineTune(dir_ / "two-labels", dir_ / "run", "tiny");
  o.keepPlan = true;
  std::ostringstream out;
  try {
    runTrainCommand(o, out);
    FAIL() << "fine-tuned onto other labels with the plan kept";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("other label values than the model"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aunet::app
