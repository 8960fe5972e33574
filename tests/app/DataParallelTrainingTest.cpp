// Data-parallel training as torchrun starts it: two `aunet train` processes with
// RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT and batch 2 each end with the same
// weights as one process with batch 4 (same seed, same samples), within float
// tolerance; only rank 0 writes the run folder.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "model/DataParallelGroup.h"
#include "model/ModelFile.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

class DataParallelTrainingTest : public io::test::ScratchTest {
 protected:
  static fs::path aunet() { return fs::path(AUNET_BINARY_DIR) / "bin" / "aunet"; }
  std::string trainCommand(const fs::path& run, int batch) const {
    std::ostringstream c;
    c << aunet() << " --threads 1 -q train -d " << (dir_ / "ds") << " -o " << run
      << " --fold all --device cpu --seed 5 --epochs 2 --iterations-per-epoch 3 --progress none"
      << " --set 'network_channels=[4,8,16]' --set optimizer=sgd --set learning_rate=0.01"
      << " --set batch_size=" << batch
      // float32: the comparison below is of the gradient averaging, to 1e-3; bf16 would
      // round each activation (and oneDNN blocks batch 1 and 2 differently) above that.
      << " --mixed-precision off";
    return c.str();
  }
};

TEST_F(DataParallelTrainingTest, TwoProcessesMatchOneProcessWithTheCombinedBatch) {
  if (!fs::exists(aunet())) GTEST_SKIP() << "aunet executable not built: " << aunet();
  io::test::PhantomDatasetSpec spec;
  spec.cases = 4;
  spec.size = {32, 32, 1};
  spec.spacings = {{1.0, 1.0, 1.0}};
  io::test::writePhantomDataset(dir_ / "ds", spec);

  const fs::path single = dir_ / "single", parallel = dir_ / "parallel";
  ASSERT_EQ(std::system((trainCommand(single, 4) + " > " + (dir_ / "single.log").string() + " 2>&1").c_str()), 0)
      << std::ifstream(dir_ / "single.log").rdbuf();

  const int port = 20000 + static_cast<int>(::getpid() % 20000);
  auto rankCommand = [&](int rank) {
    return "env WORLD_SIZE=2 RANK=" + std::to_string(rank) + " LOCAL_RANK=" + std::to_string(rank) +
           " MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " " + trainCommand(parallel, 2) + " > " +
           (dir_ / ("rank" + std::to_string(rank) + ".log")).string() + " 2>&1";
  };
  const std::string script = rankCommand(1) + " & other=$!; " + rankCommand(0) + "; lead=$?; wait $other; exit $((lead | $?))";
  const std::string shell = "/bin/sh -c '" + [&] {
    std::string quoted;
    for (char ch : script) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return quoted;
  }() + "'";
  ASSERT_EQ(std::system(shell.c_str()), 0) << "rank 0:\n"
                                           << std::ifstream(dir_ / "rank0.log").rdbuf() << "\nrank 1:\n"
                                           << std::ifstream(dir_ / "rank1.log").rdbuf();

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

TEST(DataParallelEnvironmentTest, ReadsTorchrunVariablesAndRejectsInconsistentOnes) {
  ::setenv("WORLD_SIZE", "4", 1);
  ::setenv("RANK", "2", 1);
  ::setenv("LOCAL_RANK", "0", 1);
  ::setenv("MASTER_ADDR", "node7", 1);
  ::setenv("MASTER_PORT", "29511", 1);
  auto env = model::DataParallelEnvironment::fromEnvironment();
  EXPECT_EQ(env.worldSize, 4);
  EXPECT_EQ(env.rank, 2);
  EXPECT_EQ(env.masterAddress, "node7");
  EXPECT_EQ(env.masterPort, 29511);
  ::setenv("RANK", "4", 1);
  EXPECT_THROW(model::DataParallelEnvironment::fromEnvironment(), core::Error);
  ::setenv("RANK", "x", 1);
  EXPECT_THROW(model::DataParallelEnvironment::fromEnvironment(), core::Error);
  for (const char* v : {"WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"}) ::unsetenv(v);
  EXPECT_EQ(model::DataParallelEnvironment::fromEnvironment().worldSize, 1);
  EXPECT_EQ(model::DataParallelGroup::join(model::DataParallelEnvironment::fromEnvironment()), nullptr);
}

}  // namespace
}  // namespace aunet::app
