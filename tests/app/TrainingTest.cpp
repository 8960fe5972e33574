// `aunet train` end to end on tiny phantom datasets generated at run time: the model
// loads and segments better than an untrained one, resume continues the epoch count
// and follows the uninterrupted path, fine-tuning onto another label set works.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/TrainCommand.h"
#include "pipeline/SegmentationPipeline.h"
#include "pipeline/Trainer.h"
#include "pipeline/TrainingPreprocessor.h"
#include "io/ImageReader.h"
#include "core/Error.h"
#include "model/DiceCELoss.h"
#include "model/ModelFile.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

class TrainingTest : public io::test::ScratchTest {
 protected:
  // 2D phantoms: small enough to train in seconds on 2 cores.
  fs::path makeDataset(bool mergeLesion = false) {
    io::test::PhantomDatasetSpec spec;
    spec.cases = 6;
    spec.size = {32, 32, 1};
    spec.spacings = {{1.0, 1.0, 1.0}, {1.1, 1.1, 1.0}, {0.9, 0.9, 1.0}};
    spec.mergeLesion = mergeLesion;
    const fs::path ds = dir_ / (mergeLesion ? "ds2" : "ds3");
    io::test::writePhantomDataset(ds, spec);
    return ds;
  }
  TrainOptions options(const fs::path& ds, const fs::path& run) {
    TrainOptions o;
    o.dataset = ds.string();
    o.runDir = run.string();
    o.sets = {"network_channels=[4,8,16]", "batch_size=8", "optimizer=adamw", "learning_rate=0.01"};
    o.epochs = 3;
    o.iterationsPerEpoch = 10;
    o.device = "cpu";
    o.seed = 7;
    return o;
  }
  static nlohmann::json progress(const fs::path& run) {
    std::ifstream in(run / "progress.json");
    return nlohmann::json::parse(in);
  }
  // Mean foreground Dice of `model` on a phantom it never saw.
  double segmentDice(const std::string& modelPath) {
    core::Geometry g;
    g.size = {32, 32, 1};
    const core::Phantom p = core::Phantom::ellipsoids(g, 99, 4.0);
    pipeline::SegmentationPipeline pipeline(modelPath);
    model::SegmentationSettings settings;
    settings.device = "cpu";
    const auto result = pipeline.segment(p.image, settings);
    auto toTensor = [](const core::LabelMap& l) {
      std::vector<int64_t> v(l.labels().begin(), l.labels().end());
      return torch::tensor(v);
    };
    const auto d = model::diceScores(toTensor(result.labels), toTensor(p.labels), pipeline.numClasses());
    double mean = 0;
    for (double x : d) mean += x / d.size();
    return mean;
  }
};

TEST_F(TrainingTest, TrainsLoadableModelThatBeatsUntrainedAndResumes) {
  const fs::path ds = makeDataset();
  const fs::path run = dir_ / "run";
  std::ostringstream out;
  ASSERT_EQ(runTrainCommand(options(ds, run), out), 0) << out.str();
  for (const char* f : {"model.aunet", "checkpoint_last.aunet", "checkpoint_last.optim", "progress.json", "metrics.csv", "plan.json"})
    EXPECT_TRUE(fs::exists(run / f)) << f;
  auto j = progress(run);
  EXPECT_EQ(j["epoch"], 3);
  ASSERT_EQ(j["history"].size(), 3u);
  EXPECT_LT(j["history"][2]["train_loss"].get<double>(), j["history"][0]["train_loss"].get<double>());

  const model::ModelMetadata meta = model::ModelFile::readMetadata((run / "model.aunet").string());
  ASSERT_EQ(meta.labels.size(), 3u);
  EXPECT_EQ(meta.labels[2].name, "lesion");
  EXPECT_EQ(meta.provenance.dataset, "Phantoms");
  EXPECT_GT(meta.provenance.epochs, 0);
  ASSERT_TRUE(meta.provenance.validation_dice.has_value());
  EXPECT_EQ(meta.plan.patch_size, (std::vector<int64_t>{32, 32, 1}));
  EXPECT_EQ(meta.plan.normalization.scheme, "zscore");

  // An untrained network with the same metadata, for comparison.
  model::AttentionUNet untrained(model::AttentionUNetOptions(2, 1, 3).channels({4, 8, 16}));
  model::ModelFile::save((dir_ / "untrained.aunet").string(), untrained, meta);
  const double trained = segmentDice((run / "model.aunet").string());
  const double baseline = segmentDice((dir_ / "untrained.aunet").string());
  EXPECT_GT(trained, baseline + 0.2) << "trained " << trained << " untrained " << baseline;
  EXPECT_GT(trained, 0.5);

  // Resume to 5 epochs: the count continues from 3.
  TrainOptions more = options(ds, run);
  more.resume = run.string();
  more.epochs = 4;
  ASSERT_EQ(runTrainCommand(more, out), 0);
  j = progress(run);
  EXPECT_EQ(j["epoch"], 4);
  ASSERT_EQ(j["history"].size(), 4u);
  EXPECT_EQ(j["history"][3]["epoch"], 4);
  EXPECT_EQ(model::ModelFile::readMetadata((run / "checkpoint_last.aunet").string()).provenance.epochs, 4);

  // Fine-tuning onto two labels: the head is re-initialized, the plan is the new dataset's.
  const fs::path ds2 = makeDataset(true);
  TrainOptions tune = options(ds2, dir_ / "tuned");
  tune.sets = {"batch_size=8"};
  tune.initFrom = (run / "model.aunet").string();
  tune.freezeEncoder = true;
  tune.epochs = 1;
  tune.iterationsPerEpoch = 5;
  ASSERT_EQ(runTrainCommand(tune, out), 0);
  const auto tuned = model::ModelFile::load((dir_ / "tuned" / "model.aunet").string());
  EXPECT_EQ(tuned.network->options().num_classes(), 2);
  EXPECT_EQ(tuned.network->options().channels(), (std::vector<int64_t>{4, 8, 16}));
  EXPECT_EQ(tuned.metadata.plan.patch_size, (std::vector<int64_t>{32, 32, 1}));
  // The frozen encoder kept the source weights.
  const auto source = model::ModelFile::load((run / "model.aunet").string());
  EXPECT_TRUE(torch::equal(*tuned.network->named_parameters().find("encoder0.conv1.weight"),
                           *source.network->named_parameters().find("encoder0.conv1.weight")))
      << "parameter name changed? update the test";
}

TEST_F(TrainingTest, InterruptedAndResumedRunMatchesUninterrupted) {
  const fs::path ds = makeDataset();
  const io::NnUNetDataset dataset = io::NnUNetDataset::load(ds.string());
  model::TrainingPlan plan;
  plan.dataset = "Phantoms";
  plan.spatial_dims = 2;
  plan.preprocessing.target_spacing = {1.0, 1.0, 1.0};
  plan.preprocessing.patch_size = {32, 32, 1};
  plan.network_channels = {4, 8, 16};
  plan.batch_size = 4;
  plan.epochs = 3;
  plan.iterations_per_epoch = 4;
  std::vector<pipeline::TrainingCase> cases;
  for (const auto& c : dataset.training) cases.push_back(pipeline::preprocessTrainingCase(c, plan));
  pipeline::TrainerOptions o;
  o.plan = plan;
  o.metadata.labels = model::LabelInfo::defaults(3);
  o.device = "cpu";
  o.seed = 3;
  o.runDir = (dir_ / "straight").string();
  pipeline::trainModel(o, cases, cases);

  o.runDir = (dir_ / "interrupted").string();
  o.onEpoch = [](const pipeline::EpochRecord& r) {
    if (r.epoch == 2) throw std::runtime_error("simulated interruption");
  };
  EXPECT_THROW(pipeline::trainModel(o, cases, cases), std::runtime_error);
  o.onEpoch = nullptr;
  o.resume = true;
  const pipeline::TrainingResult resumed = pipeline::trainModel(o, cases, cases);
  ASSERT_EQ(resumed.history.size(), 3u);

  const auto a = model::ModelFile::load((dir_ / "straight" / "checkpoint_last.aunet").string());
  const auto b = model::ModelFile::load((dir_ / "interrupted" / "checkpoint_last.aunet").string());
  const auto bParams = b.network->named_parameters();
  for (const auto& p : a.network->named_parameters()) {
    const torch::Tensor* q = bParams.find(p.key());
    ASSERT_NE(q, nullptr);
    EXPECT_TRUE(torch::allclose(p.value(), *q, 1e-5, 1e-6)) << p.key();
  }
}

TEST_F(TrainingTest, Small3dRunConverges) {
  io::test::PhantomDatasetSpec spec;
  spec.cases = 4;
  spec.size = {16, 16, 16};
  spec.spacings = {{1.0, 1.0, 1.0}};
  io::test::writePhantomDataset(dir_ / "ds3d", spec);
  TrainOptions o = options(dir_ / "ds3d", dir_ / "run3d");
  o.sets = {"network_channels=[4,8]", "batch_size=2", "optimizer=adamw", "learning_rate=0.01"};
  o.fold = "all";
  o.epochs = 2;
  o.iterationsPerEpoch = 8;
  std::ostringstream out;
  ASSERT_EQ(runTrainCommand(o, out), 0);
  const auto j = progress(dir_ / "run3d");
  ASSERT_EQ(j["history"].size(), 2u);
  EXPECT_GT(j["history"][1]["dice"][0].get<double>(), 0.5);  // the organ
  const auto loaded = model::ModelFile::load((dir_ / "run3d" / "model.aunet").string());
  EXPECT_EQ(loaded.network->options().spatial_dims(), 3);
  EXPECT_EQ(loaded.metadata.plan.patch_size, (std::vector<int64_t>{16, 16, 16}));
}

TEST_F(TrainingTest, BrokenDatasetStopsBeforeTraining) {
  const fs::path ds = makeDataset();
  fs::remove(ds / "labelsTr" / "case_002.nii.gz");
  std::ostringstream out;
  EXPECT_THROW(runTrainCommand(options(ds, dir_ / "run"), out), core::Error);
  EXPECT_NE(out.str().find("case case_002: label: missing"), std::string::npos) << out.str();
  EXPECT_FALSE(fs::exists(dir_ / "run" / "checkpoint_last.aunet"));
}

}  // namespace
}  // namespace aunet::app
