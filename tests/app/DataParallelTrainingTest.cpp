// Data-parallel training on PyTorch's own engine, with real processes:
//  - torchrun (the venv's torch wheel: `python -m torch.distributed.run --no-python`)
//    starts two `aunet train` processes with batch 2 each; they join a c10d Gloo group
//    (the log says so) and end with the same weights as one process with batch 4 on the
//    same samples, within 1e-4 (float32 sums in another order);
//  - a process killed mid-run makes the other stop with a clear error within seconds,
//    and the run resumes from its last checkpoint.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "model/DataParallelGroup.h"
#include "model/ModelFile.h"
#include "tests/app/ChildProcess.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Sets environment variables for the children started in its lifetime.
class ScopedEnvironment {
 public:
  explicit ScopedEnvironment(std::vector<std::pair<std::string, std::string>> values) : values_(std::move(values)) {
    for (const auto& [k, v] : values_) ::setenv(k.c_str(), v.c_str(), 1);
  }
  ~ScopedEnvironment() {
    for (const auto& [k, v] : values_) ::unsetenv(k.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

class DataParallelTrainingTest : public io::test::ScratchTest {
 protected:
  void SetUp() override {
    io::test::ScratchTest::SetUp();
    io::test::PhantomDatasetSpec spec;
    spec.cases = 4;
    spec.size = {32, 32, 1};
    spec.spacings = {{1.0, 1.0, 1.0}};
    io::test::writePhantomDataset(dir_ / "ds", spec);
  }
  static int freePort(int offset) { return 20000 + static_cast<int>((::getpid() * 7 + offset) % 20000); }

  std::vector<std::string> trainArgs(const fs::path& run, int batch, int epochs, int iterations) const {
    return {"--threads", "1", "train", "-d", (dir_ / "ds").string(), "-o", run.string(), "--fold", "all", "--device",
            "cpu", "--seed", "5", "--epochs", std::to_string(epochs), "--iterations-per-epoch",
            std::to_string(iterations), "--progress", "none", "--set", "network_channels=[4,8,16]", "--set",
            "optimizer=sgd", "--set", "learning_rate=0.01", "--set", "batch_size=" + std::to_string(batch),
            // float32: the comparison is of the gradient averaging, to 1e-4; bf16 would
            // round each activation (and oneDNN blocks batch 1 and 2 differently) above that.
            "--mixed-precision", "off"};
  }
  // torchrun from the torch wheel LibTorch came from, running `aunet args...` N times.
  std::unique_ptr<test::ChildProcess> torchrun(int processes, int port, const std::vector<std::string>& args,
                                               const std::string& log) const {
    std::vector<std::string> all{"-m",           "torch.distributed.run",         "--no-python",
                                 "--nproc-per-node", std::to_string(processes),  "--master-addr",
                                 "127.0.0.1",    "--master-port",                std::to_string(port),
                                 test::aunetExecutable()};
    all.insert(all.end(), args.begin(), args.end());
    return std::make_unique<test::ChildProcess>(AUNET_TORCH_PYTHON, all, (dir_ / log).string());
  }
  static int epochsDone(const fs::path& run) {
    std::ifstream in(run / "progress.json");
    return static_cast<int>(nlohmann::json::parse(in)["history"].size());
  }
};

TEST_F(DataParallelTrainingTest, TorchrunTwoProcessesOnGlooMatchOneProcessWithTheCombinedBatch) {
  ASSERT_TRUE(fs::exists(AUNET_TORCH_PYTHON)) << "the torch wheel's Python (torchrun) is missing: " << AUNET_TORCH_PYTHON;
  const fs::path single = dir_ / "single", parallel = dir_ / "parallel";
  test::ChildProcess one(test::aunetExecutable(), trainArgs(single, 4, 2, 3), (dir_ / "single").string());
  ASSERT_EQ(one.wait(3min), 0) << one.err();

  auto launched = torchrun(2, freePort(0), trainArgs(parallel, 2, 2, 3), "torchrun");
  ASSERT_EQ(launched->wait(3min), 0) << launched->out() << launched->err();
  const std::string log = launched->out() + launched->err();
  EXPECT_NE(log.find("gloo backend, world size 2"), std::string::npos) << log;
  EXPECT_NE(log.find("2 processes (gloo) x batch 2"), std::string::npos) << log;

  const auto a = model::ModelFile::load((single / "checkpoint_last.aunet").string());
  const auto b = model::ModelFile::load((parallel / "checkpoint_last.aunet").string());
  EXPECT_EQ(b.metadata.provenance.epochs, 2);
  const auto bParams = b.network->named_parameters();
  double largest = 0.0;
  for (const auto& p : a.network->named_parameters()) {
    const torch::Tensor* q = bParams.find(p.key());
    ASSERT_NE(q, nullptr) << p.key();
    largest = std::max(largest, (p.value() - *q).abs().max().item<double>());
    EXPECT_TRUE(torch::allclose(p.value(), *q, 1e-3, 1e-5)) << p.key();
  }
  EXPECT_LT(largest, 1e-4);
  // Same losses too: the processes' Dice statistics and losses were combined exactly.
  std::ifstream progressIn(parallel / "progress.json");
  const auto progress = nlohmann::json::parse(progressIn);
  std::ifstream singleIn(single / "progress.json");
  const auto singleProgress = nlohmann::json::parse(singleIn);
  ASSERT_EQ(progress["history"].size(), 2u);
  EXPECT_NEAR(progress["history"][1]["train_loss"].get<double>(), singleProgress["history"][1]["train_loss"].get<double>(),
              1e-4);
  // Training did move the weights: the comparison is not between two untouched copies.
  torch::manual_seed(5);
  const model::AttentionUNet initial(a.network->options());
  EXPECT_FALSE(torch::allclose(*initial->named_parameters().find("encoder0.conv1.weight"),
                               *a.network->named_parameters().find("encoder0.conv1.weight")));
}

// Started by hand (as srun would), so that nothing but aunet notices the dead process.
void killOneRankAndCheckTheOtherStops(const fs::path& dir, int killedRank, int port,
                                      const std::vector<std::string>& args) {
  std::vector<std::unique_ptr<test::ChildProcess>> ranks;
  for (int r = 0; r < 2; ++r) {
    const ScopedEnvironment env({{"WORLD_SIZE", "2"},
                                 {"RANK", std::to_string(r)},
                                 {"LOCAL_RANK", std::to_string(r)},
                                 {"MASTER_ADDR", "127.0.0.1"},
                                 {"MASTER_PORT", std::to_string(port)}});
    ranks.push_back(std::make_unique<test::ChildProcess>(test::aunetExecutable(), args,
                                                         (dir / ("rank" + std::to_string(r))).string()));
  }
  // Past the first checkpoint, in the middle of training.
  const fs::path checkpoint = dir / "run" / "checkpoint_last.aunet";
  const auto deadline = std::chrono::steady_clock::now() + 2min;
  while (!fs::exists(checkpoint) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  ASSERT_TRUE(fs::exists(checkpoint)) << ranks[0]->err();
  std::this_thread::sleep_for(300ms);
  ranks[static_cast<size_t>(killedRank)]->sendSignal(SIGKILL);
  ranks[static_cast<size_t>(killedRank)]->wait(10s);
  test::ChildProcess& survivor = *ranks[static_cast<size_t>(1 - killedRank)];
  const auto killedAt = std::chrono::steady_clock::now();
  survivor.wait(90s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killedAt).count();
  EXPECT_FALSE(survivor.timedOut()) << "the surviving rank hung";
  EXPECT_NE(survivor.exitCode(), 0) << survivor.err();
  EXPECT_FALSE(survivor.crashed()) << survivor.err();
  EXPECT_LT(seconds, 30.0);
  // One line that says what happened and what to do.
  EXPECT_NE(survivor.err().find("another process stopped"), std::string::npos) << survivor.err();
  EXPECT_NE(survivor.err().find("--resume"), std::string::npos) << survivor.err();
}

TEST_F(DataParallelTrainingTest, AKilledRankStopsTheOtherWithAClearErrorAndTheRunResumes) {
  ASSERT_TRUE(fs::exists(AUNET_TORCH_PYTHON)) << AUNET_TORCH_PYTHON;
  const fs::path run = dir_ / "run";
  killOneRankAndCheckTheOtherStops(dir_, 1, freePort(1), trainArgs(run, 2, 200, 10));
  const int done = epochsDone(run);
  ASSERT_GE(done, 1);

  // Both processes again, from the last checkpoint, one epoch further.
  std::vector<std::string> resume{"--threads", "1", "train", "-d", (dir_ / "ds").string(), "--resume", run.string(),
                                  "--epochs", std::to_string(done + 1), "--progress", "none", "--device", "cpu"};
  auto resumed = torchrun(2, freePort(2), resume, "resume");
  ASSERT_EQ(resumed->wait(3min), 0) << resumed->out() << resumed->err();
  EXPECT_NE((resumed->out() + resumed->err()).find("resuming"), std::string::npos) << resumed->err();
  EXPECT_EQ(epochsDone(run), done + 1);
  EXPECT_EQ(model::ModelFile::readMetadata((run / "checkpoint_last.aunet").string()).provenance.epochs, done + 1);
}

TEST_F(DataParallelTrainingTest, AKilledRankZeroStopsTheOtherWithAClearError) {
  killOneRankAndCheckTheOtherStops(dir_, 0, freePort(3), trainArgs(dir_ / "run", 2, 200, 10));
}

TEST(DataParallelEnvironmentTest, ReadsTorchrunVariablesAndRejectsInconsistentOnes) {
  ::setenv("WORLD_SIZE", "4", 1);
  ::setenv("RANK", "2", 1);
  ::setenv("LOCAL_RANK", "0", 1);
  ::setenv("MASTER_ADDR", "node7", 1);
  ::setenv("MASTER_PORT", "29511", 1);
  ::setenv("AUNET_DIST_TIMEOUT", "90", 1);
  auto env = model::DataParallelEnvironment::fromEnvironment();
  EXPECT_EQ(env.worldSize, 4);
  EXPECT_EQ(env.rank, 2);
  EXPECT_EQ(env.masterAddress, "node7");
  EXPECT_EQ(env.masterPort, 29511);
  EXPECT_EQ(env.timeout.count(), 90);
  ::setenv("RANK", "4", 1);
  EXPECT_THROW(model::DataParallelEnvironment::fromEnvironment(), core::Error);
  ::setenv("RANK", "x", 1);
  EXPECT_THROW(model::DataParallelEnvironment::fromEnvironment(), core::Error);
  for (const char* v : {"WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "AUNET_DIST_TIMEOUT"})
    ::unsetenv(v);
  // Slurm's variables when torchrun's are absent.
  ::setenv("SLURM_NTASKS", "3", 1);
  ::setenv("SLURM_PROCID", "1", 1);
  ::setenv("SLURM_LOCALID", "1", 1);
  env = model::DataParallelEnvironment::fromEnvironment();
  EXPECT_EQ(env.worldSize, 3);
  EXPECT_EQ(env.rank, 1);
  EXPECT_EQ(env.localRank, 1);
  for (const char* v : {"SLURM_NTASKS", "SLURM_PROCID", "SLURM_LOCALID"}) ::unsetenv(v);
  EXPECT_EQ(model::DataParallelEnvironment::fromEnvironment().worldSize, 1);
  EXPECT_EQ(model::DataParallelGroup::join(model::DataParallelEnvironment::fromEnvironment(), torch::kCPU), nullptr);
}

}  // namespace
}  // namespace aunet::app
