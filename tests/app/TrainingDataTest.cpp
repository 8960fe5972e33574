// The training data path: augmentation on tensors (exact crops without it, correct
// rotations, labels that stay labels, deterministic per seed), foreground
// oversampling, the background batch loader, split files and the run folder's
// curves and metrics.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "pipeline/BatchPrefetcher.h"
#include "pipeline/PatchSampler.h"
#include "pipeline/PreprocessedCaseCache.h"
#include "pipeline/TrainingAugmenter.h"
#include "pipeline/TrainingPreprocessor.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

// A 2D case whose value encodes its position: image(y, x) = 100 y + x, labels by quadrant.
pipeline::CaseTensors rampCase(int64_t h, int64_t w) {
  pipeline::CaseTensors c;
  const torch::Tensor y = torch::arange(h, torch::kFloat).view({h, 1}), x = torch::arange(w, torch::kFloat).view({1, w});
  c.image = (y * 100 + x).unsqueeze(0).contiguous();
  c.labels = ((y >= h / 2).to(torch::kLong) * 2 + (x >= w / 2).to(torch::kLong)).contiguous();
  c.shape = {h, w};
  c.foreground.assign(4, {});
  for (int64_t i = 0; i < h * w; ++i) c.foreground[c.labels.view({-1})[i].item<int64_t>()].push_back(i);
  c.foreground[0].clear();
  return c;
}

TEST(TrainingAugmenterTest, IdentityTransformIsAnExactCrop) {
  const pipeline::CaseTensors c = rampCase(40, 50);
  const pipeline::TrainingAugmenter aug(model::AugmentationPlan::none(), {16, 16}, {1.0, 1.0});
  pipeline::SpatialTransform t;
  t.active = true;
  t.matrix = {1, 0, 0, 1};
  torch::Tensor img = torch::empty({1, 16, 16}), lab = torch::empty({16, 16}, torch::kLong);
  aug.resample(c.image, c.labels, {10 + 7.5, 20 + 7.5}, t, img, lab);  // start (10, 20)
  EXPECT_TRUE(torch::allclose(img, c.image.slice(1, 10, 26).slice(2, 20, 36), 0, 1e-3));
  EXPECT_TRUE(torch::equal(lab, c.labels.slice(0, 10, 26).slice(1, 20, 36)));
}

TEST(TrainingAugmenterTest, QuarterTurnMapsEveryVoxelWhereTheMatrixSays) {
  const pipeline::CaseTensors c = rampCase(40, 40);
  const pipeline::TrainingAugmenter aug(model::AugmentationPlan::none(), {8, 8}, {1.0, 1.0});
  pipeline::SpatialTransform t;
  t.active = true;
  t.matrix = {0, -1, 1, 0};  // source offset = (-ox, oy) for output offset (oy, ox)
  torch::Tensor img = torch::empty({1, 8, 8}), lab = torch::empty({8, 8}, torch::kLong);
  const double cy = 20.5, cx = 19.5;
  aug.resample(c.image, c.labels, {cy, cx}, t, img, lab);
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) {
      const double oy = i - 3.5, ox = j - 3.5;
      const double sy = cy - ox, sx = cx + oy;
      EXPECT_NEAR(img[0][i][j].item<double>(), 100 * sy + sx, 1e-2) << i << "," << j;
    }
}

TEST(TrainingAugmenterTest, OutsideTheCaseIsZeroAndLabelsStayLabels) {
  const pipeline::CaseTensors c = rampCase(30, 30);
  model::AugmentationPlan plan;  // defaults, with every spatial transform forced on
  plan.rotation = plan.scaling = plan.deformation = 1.0;
  const pipeline::TrainingAugmenter aug(plan, {32, 32}, {1.0, 1.0});
  std::set<int64_t> seen;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    std::mt19937_64 rng(seed);
    const pipeline::SpatialTransform t = aug.drawSpatial(rng);
    ASSERT_TRUE(t.active);
    ASSERT_TRUE(t.displacement.defined());
    torch::Tensor img = torch::empty({1, 32, 32}), lab = torch::empty({32, 32}, torch::kLong);
    aug.resample(c.image, c.labels, {14.5, 14.5}, t, img, lab);
    const auto values = std::get<0>(at::_unique(lab));
    for (int64_t i = 0; i < values.numel(); ++i) seen.insert(values[i].item<int64_t>());
    EXPECT_GE(img.min().item<double>(), 0.0);
    EXPECT_LE(img.max().item<double>(), 100.0 * 29 + 29 + 1e-2);
  }
  EXPECT_EQ(seen, (std::set<int64_t>{0, 1, 2, 3}));
}

TEST(TrainingAugmenterTest, MirrorAndBlurDoWhatTheySay) {
  model::AugmentationPlan plan = model::AugmentationPlan::none();
  plan.mirror = 1.0;
  const pipeline::TrainingAugmenter mirror(plan, {8, 10}, {1.0, 1.0});
  const pipeline::CaseTensors c = rampCase(8, 10);
  torch::Tensor img = c.image.clone(), lab = c.labels.clone();
  std::mt19937_64 rng(1);
  mirror.applyIntensityAndMirror(img, lab, rng);
  EXPECT_TRUE(torch::equal(img, c.image.flip({1, 2})));
  EXPECT_TRUE(torch::equal(lab, c.labels.flip({0, 1})));

  plan = model::AugmentationPlan::none();
  plan.blur = 1.0;
  const pipeline::TrainingAugmenter blur(plan, {32, 32}, {1.0, 1.0});
  torch::Tensor noise = torch::randn({1, 32, 32}, at::detail::createCPUGenerator(5)), labels = torch::zeros({32, 32}, torch::kLong);
  const torch::Tensor before = noise.clone();
  blur.applyIntensityAndMirror(noise, labels, rng);
  EXPECT_NEAR(noise.mean().item<double>(), before.mean().item<double>(), 0.05);
  EXPECT_LT(noise.std().item<double>(), 0.8 * before.std().item<double>());  // smoothing removes variance
}

TEST(PatchSamplerTest, DeterministicPerSeedAndForegroundOversampled) {
  std::vector<pipeline::CaseTensors> cases{rampCase(60, 60)};
  // Only a small foreground blob: label 1 in a 4x4 corner, the rest background.
  cases[0].labels.zero_();
  cases[0].labels.slice(0, 50, 54).slice(1, 50, 54).fill_(1);
  cases[0].foreground.assign(2, {});
  for (int64_t y = 50; y < 54; ++y)
    for (int64_t x = 50; x < 54; ++x) cases[0].foreground[1].push_back(y * 60 + x);
  const pipeline::PatchSampler sampler(cases, {16, 16}, 2, 1.0, pipeline::TrainingAugmenter(model::AugmentationPlan(), {16, 16}, {1.0, 1.0}));
  const uint64_t seed = pipeline::PatchSampler::sampleSeed(7, 1, 0, 0);
  const pipeline::TrainingBatch a = sampler.batch({seed, seed + 1}), b = sampler.batch({seed, seed + 1});
  EXPECT_TRUE(torch::equal(a.image, b.image));
  EXPECT_TRUE(torch::equal(a.labels, b.labels));
  EXPECT_FALSE(torch::equal(a.image[0], a.image[1]));
  EXPECT_NE(pipeline::PatchSampler::sampleSeed(7, 1, 0, 0), pipeline::PatchSampler::sampleSeed(7, 1, 0, 1));
  EXPECT_NE(pipeline::PatchSampler::sampleSeed(7, 1, 0, 0), pipeline::PatchSampler::sampleSeed(7, 2, 0, 0));
  // foreground_fraction 1: every patch sees the blob (centred on it, then augmented).
  int withForeground = 0;
  for (int i = 0; i < 20; ++i) withForeground += sampler.batch({pipeline::PatchSampler::sampleSeed(1, 1, i, 0)}).labels.sum().item<int64_t>() > 0;
  EXPECT_GE(withForeground, 18);
}

TEST(BatchPrefetcherTest, DeliversInOrderAndPassesErrorsOn) {
  std::atomic<int> produced{0};
  {
    pipeline::BatchPrefetcher loader(
        [&](int64_t i) {
          ++produced;
          return pipeline::TrainingBatch{torch::full({1}, static_cast<double>(i)), torch::zeros({1}, torch::kLong)};
        },
        6, 2);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(loader.next().image.item<double>(), i);
    EXPECT_THROW(loader.next(), std::logic_error);
    EXPECT_GE(loader.waitSeconds(), 0.0);
  }
  EXPECT_EQ(produced.load(), 6);
  pipeline::BatchPrefetcher failing(
      [](int64_t i) -> pipeline::TrainingBatch {
        if (i == 2) throw core::Error("case_002", "unreadable");
        return pipeline::TrainingBatch{torch::zeros({1}), torch::zeros({1}, torch::kLong)};
      },
      5, 3);
  failing.next();
  failing.next();
  EXPECT_THROW(failing.next(), core::Error);
  // Destroying a loader with batches left over stops its thread (no hang).
  pipeline::BatchPrefetcher abandoned([](int64_t) { return pipeline::TrainingBatch{torch::zeros({1}), torch::zeros({1}, torch::kLong)}; }, 100, 2);
  abandoned.next();
}

class SplitFileTest : public io::test::ScratchTest {};

TEST_F(SplitFileTest, ReadsNnUNetSplitsAndRejectsUnknownCases) {
  const std::vector<std::string> ids{"a", "b", "c", "d"};
  {
    std::ofstream out(dir_ / "splits_final.json");
    out << R"([{"train": ["a", "b", "c"], "val": ["d"]}, {"train": ["d", "c"], "val": ["b", "a"]}])";
  }
  const std::string path = (dir_ / "splits_final.json").string();
  pipeline::FoldSplit s = pipeline::splitFromFile(path, "1", ids);
  EXPECT_EQ(s.train, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(s.validation, (std::vector<size_t>{0, 1}));
  EXPECT_THROW(pipeline::splitFromFile(path, "2", ids), core::Error);
  EXPECT_THROW(pipeline::splitFromFile(path, "all", ids), core::Error);
  {
    std::ofstream out(dir_ / "bad.json");
    out << R"([{"train": ["a", "zz"], "val": []}])";
  }
  try {
    pipeline::splitFromFile((dir_ / "bad.json").string(), "0", ids);
    FAIL() << "unknown case accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown case 'zz'"), std::string::npos) << e.what();
  }
}

class PreprocessedCaseCacheTest : public io::test::ScratchTest {};

TEST_F(PreprocessedCaseCacheTest, SecondLoadIsAnExactHitAndChangedSourcesArePreparedAgain) {
  io::test::PhantomDatasetSpec spec;
  spec.cases = 2;
  io::test::writePhantomDataset(dir_ / "ds", spec);
  const io::NnUNetDataset dataset = io::NnUNetDataset::load((dir_ / "ds").string());
  model::TrainingPlan plan;
  plan.preprocessing.target_spacing = {1.5, 1.5, 2.0};
  plan.preprocessing.patch_size = {16, 16, 8};
  const std::string folder = (dir_ / "run" / "preprocessed").string();

  pipeline::PreprocessedCaseCache first(folder, plan);
  const pipeline::TrainingCase a = first.load(dataset.training[0]);
  EXPECT_EQ(first.misses(), 1);
  pipeline::PreprocessedCaseCache second(folder, plan);
  const pipeline::TrainingCase b = second.load(dataset.training[0]);
  EXPECT_EQ(second.hits(), 1);
  EXPECT_EQ(b.image.voxels(), a.image.voxels());
  EXPECT_EQ(b.labels.labels(), a.labels.labels());
  EXPECT_TRUE(b.image.geometry().sameGrid(a.image.geometry())) << "geometry changed through the cache";

  // Another plan, or a newer source file: prepared again.
  model::TrainingPlan other = plan;
  other.preprocessing.target_spacing = {2.0, 2.0, 2.0};
  pipeline::PreprocessedCaseCache third(folder, other);
  third.load(dataset.training[0]);
  EXPECT_EQ(third.misses(), 1);
  fs::last_write_time(dataset.training[0].labelPath, fs::file_time_type::clock::now() + std::chrono::hours(1));
  pipeline::PreprocessedCaseCache fourth(folder, other);
  fourth.load(dataset.training[0]);
  EXPECT_EQ(fourth.misses(), 1);
  // A damaged entry is not fatal: prepared again.
  std::ofstream(folder + "/" + dataset.training[0].id + "_image.nrrd", std::ios::trunc) << "garbage";
  pipeline::PreprocessedCaseCache fifth(folder, other);
  const pipeline::TrainingCase again = fifth.load(dataset.training[0]);
  EXPECT_EQ(fifth.misses(), 1);
  EXPECT_EQ(again.image.voxels().size(), static_cast<size_t>(again.image.geometry().voxelCount()));
}

}  // namespace
}  // namespace aunet::app
