// GradientBucketReducer over a real c10d Gloo group of two ranks (two threads of this
// process, each with its own group, talking over loopback TCP as two processes would):
// gradients end as the mean of both ranks' gradients, buckets start from the autograd
// hooks while backward runs, and bf16 on the wire stays within bf16's rounding.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <thread>

#include <torch/torch.h>

#include "model/DataParallelGroup.h"
#include "model/GradientBucketReducer.h"

namespace aunet::model {
namespace {

// Two ranks in one process: c10d's flight recorder is one per process, and two
// ProcessGroupGloo recording into it from two threads corrupt its map (SIGSEGV in
// FlightRecorder::recordWithResetEnabled, about 1 run in 10 under load). Separate
// processes, as torchrun starts them, each have their own; here it is turned off,
// before the first group exists.
const bool kFlightRecorderOff = ::setenv("TORCH_FR_BUFFER_SIZE", "0", 1) == 0;

// The same weights on every call: the seed and the draws happen under one lock, since
// both ranks' threads build their net at the same time from torch's one global generator.
torch::nn::Sequential makeNet() {
  static std::mutex generator;
  const std::lock_guard<std::mutex> lock(generator);
  torch::manual_seed(3);
  return torch::nn::Sequential(torch::nn::Linear(16, 64), torch::nn::ReLU(), torch::nn::Linear(64, 64),
                               torch::nn::ReLU(), torch::nn::Linear(64, 64), torch::nn::ReLU(), torch::nn::Linear(64, 4));
}

// The gradients of the loss on `input`, in parameter order.
std::vector<torch::Tensor> localGradients(const torch::Tensor& input) {
  auto net = makeNet();
  net->forward(input).pow(2).mean().backward();
  std::vector<torch::Tensor> grads;
  for (auto& p : net->parameters()) grads.push_back(p.grad().clone());
  return grads;
}

struct RankResult {
  std::vector<torch::Tensor> grads;
  size_t buckets = 0, startedDuringBackward = 0;
  std::string error;
};

RankResult runRank(int rank, int port, const torch::Tensor& input, GradientBucketOptions options) {
  RankResult result;
  try {
    DataParallelEnvironment env;
    env.rank = rank;
    env.worldSize = 2;
    env.masterPort = port;
    env.timeout = std::chrono::seconds(60);
    auto group = DataParallelGroup::join(env, torch::kCPU);
    auto net = makeNet();
    GradientBucketReducer reducer(net->parameters(), group, options);
    for (int step = 0; step < 2; ++step) {  // twice: the reducer resets between backward passes
      for (auto& p : net->parameters()) p.mutable_grad() = torch::Tensor();
      net->forward(input).pow(2).mean().backward();
      reducer.finish();
    }
    for (auto& p : net->parameters()) result.grads.push_back(p.grad().clone());
    result.buckets = reducer.bucketCount();
    result.startedDuringBackward = reducer.bucketsStartedDuringBackward();
    group->barrier("end");
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

void checkMean(GradientBucketOptions options, double tolerance, int port) {
  torch::manual_seed(11);
  const torch::Tensor a = torch::randn({8, 16}), b = torch::randn({8, 16});
  const auto ga = localGradients(a), gb = localGradients(b);
  RankResult r0, r1;
  std::thread other([&] { r1 = runRank(1, port, b, options); });
  r0 = runRank(0, port, a, options);
  other.join();
  ASSERT_TRUE(r0.error.empty()) << r0.error;
  ASSERT_TRUE(r1.error.empty()) << r1.error;
  ASSERT_EQ(r0.grads.size(), ga.size());
  for (size_t k = 0; k < ga.size(); ++k) {
    const torch::Tensor mean = (ga[k] + gb[k]) / 2;
    EXPECT_TRUE(torch::allclose(r0.grads[k], mean, tolerance, tolerance * 1e-2)) << "parameter " << k;
    EXPECT_TRUE(torch::equal(r0.grads[k], r1.grads[k])) << "ranks differ at parameter " << k;
  }
  // The gradients of the two ranks did differ: the mean is not one rank's own.
  EXPECT_FALSE(torch::allclose(ga[0], gb[0]));
  EXPECT_EQ(r0.buckets, r1.buckets);
}

int port(int offset) { return 21000 + static_cast<int>((::getpid() * 13 + offset) % 20000); }

TEST(GradientBucketReducerTest, SmallBucketsStartDuringBackwardAndAverageAcrossRanks) {
  GradientBucketOptions options;
  options.bucketBytes = 16 * 1024;  // a few layers per bucket: several buckets
  options.firstBucketBytes = 1024;
  torch::manual_seed(11);
  const torch::Tensor a = torch::randn({8, 16}), b = torch::randn({8, 16});
  RankResult r0, r1;
  const int p = port(0);
  std::thread other([&] { r1 = runRank(1, p, b, options); });
  r0 = runRank(0, p, a, options);
  other.join();
  ASSERT_TRUE(r0.error.empty()) << r0.error;
  EXPECT_GE(r0.buckets, 3u);
  // All but possibly the last bucket were started by the hooks, before backward returned.
  EXPECT_GE(r0.startedDuringBackward + 1, r0.buckets);
  checkMean(options, 1e-5, port(1));
}

TEST(GradientBucketReducerTest, OneBucketAveragesToo) { checkMean(GradientBucketOptions{}, 1e-5, port(2)); }

TEST(GradientBucketReducerTest, Bf16OnTheWireStaysWithinItsRounding) {
  GradientBucketOptions options;
  options.wire = torch::kBFloat16;
  checkMean(options, 2e-2, port(3));
}

}  // namespace
}  // namespace aunet::model
