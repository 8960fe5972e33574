// Memory limits of `aunet segment`: --max-memory sizes, the pipeline's estimate, a
// case above the limit failing alone before it runs, and a real out-of-memory inside
// one case (the executable under RLIMIT_DATA) failing that case, not the batch.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/MemorySize.h"
#include "app/commands/SegmentCommand.h"
#include "pipeline/SegmentationPipeline.h"
#include "io/ImageWriter.h"
#include "core/Error.h"
#include "core/Phantom.h"
#include "model/AttentionUNet.h"
#include "model/ModelFile.h"
#include "tests/app/TinyModelFile.h"
#include "tests/app/ChildProcess.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

TEST(MemorySize, UnitsAreBinaryAndBadTextIsRefused) {
  EXPECT_EQ(parseMemorySize("8G", "--max-memory"), uint64_t{8} << 30);
  EXPECT_EQ(parseMemorySize("512M", "--max-memory"), uint64_t{512} << 20);
  EXPECT_EQ(parseMemorySize("1.5GiB", "--max-memory"), uint64_t{3} << 29);
  EXPECT_EQ(parseMemorySize(" 2 kb ", "--max-memory"), 2048u);
  EXPECT_EQ(parseMemorySize("4000000000", "--max-memory"), 4000000000u);
  EXPECT_EQ(parseMemorySize("1T", "--max-memory"), uint64_t{1} << 40);
  for (const char* bad : {"", "abc", "8X", "0", "-1", "1.2.3", ".5G", "8 GB extra", "99999999999T"}) {
    try {
      parseMemorySize(bad, "--max-memory");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const core::Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("invalid --max-memory '" + std::string(bad) + "'", 0), 0u) << e.what();
    }
  }
}

class SegmentMemoryTest : public io::test::ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    model_ = path("tiny.aunet");
    aunet::test::writeTinyModelFile(model_, 3, {1.5, 1.5, 1.5});
  }
  static core::Geometry cube(int64_t n, double spacing = 1.5) {
    core::Geometry g;
    g.size = {n, n, n};
    g.spacing = {spacing, spacing, spacing};
    return g;
  }
  SegmentOptions options(std::vector<std::string> inputs) const {
    SegmentOptions o;
    o.model = model_;
    o.inputs = std::move(inputs);
    o.outputDir = path("out");
    o.device = "cpu";
    o.progress = "none";
    return o;
  }
  std::string model_;
};

TEST_F(SegmentMemoryTest, EstimateGrowsWithTheImageAndCoversTheProbabilities) {
  pipeline::SegmentationPipeline pipeline(model_);
  model::SegmentationSettings settings;
  const uint64_t small = pipeline.estimateMemoryBytes(cube(32), 1, settings);
  const uint64_t large = pipeline.estimateMemoryBytes(cube(64), 1, settings);
  EXPECT_GT(large, 4 * small);  // 8x the voxels, plus a fixed share for the network's activations
  // Three classes of float probabilities on the input grid at least.
  EXPECT_GE(large, uint64_t{3} * 64 * 64 * 64 * sizeof(float));
  // A finer image is resampled to the model's 1.5 mm: the model grid of `small`, the
  // input grid of `large`, so it needs more than the one and less than the other.
  const uint64_t fine = pipeline.estimateMemoryBytes(cube(64, 0.75), 1, settings);
  EXPECT_GT(fine, small);
  EXPECT_LT(fine, large);
  settings.withProbabilities = true;
  settings.withAttention = true;
  EXPECT_GT(pipeline.estimateMemoryBytes(cube(64), 1, settings), large);
  // Sane: a 512x512x300 CT with three classes is a few GiB, not terabytes.
  settings = {};
  core::Geometry ct = cube(1, 0.8);
  ct.size = {512, 512, 300};
  ct.spacing = {0.8, 0.8, 1.5};
  const uint64_t ctBytes = pipeline.estimateMemoryBytes(ct, 1, settings);
  EXPECT_GT(ctBytes, uint64_t{512} << 20);
  EXPECT_LT(ctBytes, uint64_t{16} << 30);
}

TEST_F(SegmentMemoryTest, CaseAboveMaxMemoryFailsAloneBeforeItRuns) {
  const std::string small = path("small.nii.gz"), big = path("big.nii.gz");
  io::writeImage(core::Phantom::ellipsoids(cube(20), 1).image, small);
  io::writeImage(core::Phantom::ellipsoids(cube(72), 2).image, big);
  pipeline::SegmentationPipeline pipeline(model_);
  model::SegmentationSettings settings;
  settings.device = "cpu";
  const uint64_t smallNeed = pipeline.estimateMemoryBytes(cube(20), 1, settings) + 20 * 20 * 20 * 4;
  const uint64_t bigNeed = pipeline.estimateMemoryBytes(cube(72), 1, settings) + 72 * 72 * 72 * 4;
  ASSERT_LT(4 * smallNeed, bigNeed);
  SegmentOptions o = options({big, small});
  o.maxMemory = std::to_string((smallNeed + bigNeed) / 2);
  std::ostringstream out;
  EXPECT_EQ(runSegmentCommand(o, out), 1) << out.str();
  EXPECT_TRUE(fs::exists(path("out/small.nii.gz")));
  EXPECT_FALSE(fs::exists(path("out/big.nii.gz")));
  std::ifstream in(path("out/summary.json"));
  const auto summary = nlohmann::json::parse(in);
  ASSERT_EQ(summary["cases"].size(), 2u);
  const auto& bigEntry = summary["cases"][0];
  EXPECT_EQ(bigEntry["status"], "failed");
  const std::string error = bigEntry["error"].get<std::string>();
  EXPECT_EQ(error.rfind(big + ": segmenting this 72x72x72 image needs about ", 0), 0u) << error;
  EXPECT_NE(error.find("more than --max-memory"), std::string::npos) << error;
  EXPECT_LT(bigEntry["seconds"].get<double>(), 5.0);  // refused, not run
  EXPECT_EQ(summary["cases"][1]["status"], "done");
  EXPECT_EQ(summary["settings"]["max_memory_bytes"].get<uint64_t>(), (smallNeed + bigNeed) / 2);

  // A limit below even the reading of a file stops at the reader's own check.
  SegmentOptions tiny = options({small});
  tiny.maxMemory = "10K";
  tiny.overwrite = true;
  std::ostringstream out2;
  EXPECT_EQ(runSegmentCommand(tiny, out2), 1);
  EXPECT_NE(out2.str().find("more than the memory limit of"), std::string::npos) << out2.str();
  // The mask of the earlier run is still there, untouched by the failed case.
  EXPECT_TRUE(fs::exists(path("out/small.nii.gz")));

  SegmentOptions bad = options({small});
  bad.maxMemory = "lots";
  std::ostringstream out3;
  EXPECT_THROW(runSegmentCommand(bad, out3), core::Error);
}

// VmData of this process (kB): a baseline for the child's RLIMIT_DATA, since the
// child loads the same libraries.
uint64_t ownDataBytes() {
  std::ifstream in("/proc/self/status");
  std::string key;
  while (in >> key) {
    if (key == "VmData:") {
      uint64_t kb = 0;
      in >> kb;
      return kb * 1024;
    }
    std::string rest;
    std::getline(in, rest);
  }
  return 0;
}

TEST_F(SegmentMemoryTest, OutOfMemoryInsideACaseFailsThatCaseOnly) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of shadow memory: RLIMIT_DATA stops it, not aunet";
#endif
  const uint64_t baseline = ownDataBytes();
  if (baseline == 0) GTEST_SKIP() << "no /proc/self/status VmData on this system";
  const std::string a = path("a.nii.gz"), huge = path("huge.nii.gz"), c = path("c.nii.gz");
  io::writeImage(core::Phantom::ellipsoids(cube(20), 1).image, a);
  io::writeImage(core::Phantom::ellipsoids(cube(22), 3).image, c);
  {
    // 420 MiB of float voxels once read; all zeros, so the file is tiny.
    core::Geometry g = cube(1);
    g.size = {480, 480, 480};
    core::Volume zeros(g, 1, core::PixelType::UInt8);
    io::writeImage(zeros, huge);
  }
  // Room for the libraries, the small cases and reading the huge one (uint8 + float,
  // ~530 MiB), but not for the pipeline's copies of it.
  const rlim_t limit = baseline + (rlim_t{700} << 20);
  test::ChildLimits limits;
  limits.dataBytes = limit;
  test::ChildProcess child(test::aunetExecutable(),
                           {"--threads", "1", "segment", "-m", model_, "-i", a, huge, c, "-o", path("out"), "--device",
                            "cpu", "--progress", "none"},
                           path("oom-log"), limits);
  child.wait(std::chrono::minutes(3));
  ASSERT_FALSE(child.timedOut()) << "the huge case was not stopped by the memory limit";
  ASSERT_FALSE(child.crashed()) << child.err();
  EXPECT_EQ(child.exitCode(), 1) << child.out() << child.err();
  std::ifstream in(path("out/summary.json"));
  const auto summary = nlohmann::json::parse(in);
  ASSERT_EQ(summary["cases"].size(), 3u);
  EXPECT_EQ(summary["cases"][0]["status"], "done");
  EXPECT_EQ(summary["cases"][1]["status"], "failed");
  const std::string error = summary["cases"][1]["error"].get<std::string>();
  EXPECT_EQ(error.rfind(huge + ": ", 0), 0u) << error;
  EXPECT_NE(error.find("memory"), std::string::npos) << error;
  EXPECT_EQ(summary["cases"][2]["status"], "done");
  EXPECT_TRUE(summary["finished"].get<bool>());
  EXPECT_FALSE(fs::exists(path("out/huge.nii.gz")));
  EXPECT_NE(child.out().find("FAILED huge: " + huge), std::string::npos) << child.out();
}

}  // namespace
}  // namespace aunet::app
