// aunet_dist_bench: what data-parallel training costs on this machine.
//  1. All-reduce of gradient-sized buffers between N processes of this machine (a
//     25 MB bucket, the whole gradient of the default 3D network, ...) over c10d:
//     gloo (CPU) or nccl (--device cuda, one GPU per process), fp32 and bf16 on the wire.
//  2. One training step of the default 3D network: one process with batch N x B and
//     every core, against N processes with batch B each and cores / N threads, whose
//     gradients are all-reduced in buckets during backward (GradientBucketReducer).
// Started without RANK in the environment it is the launcher: it times the single
// process itself, then starts N copies of itself as torchrun would (RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_ADDR, MASTER_PORT) and rank 0 prints the distributed rows.
// Not a test; figures go to docs/performance.md and docs/distributed.md.

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include "model/AttentionUNet.h"
#include "model/CudaBackend.h"
#include "model/DataParallelGroup.h"
#include "model/DeviceSelection.h"
#include "model/DiceCELoss.h"
#include "model/GradientBucketReducer.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using aunet::model::AttentionUNet;
using aunet::model::AttentionUNetOptions;

struct Settings {
  int processes = 2;
  std::string device = "cpu";
  std::vector<double> sizesMb{1.0, 4.0, 25.0};  // plus the whole gradient of the default 3D network
  int repeats = 5;
  int64_t trainSize = 48;
  int64_t trainBatch = 1;  // per process
  bool skipTrain = false;
  std::vector<int64_t> channels;  // the network's channels per level; empty: the default 3D network
};

std::string cpuName() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

int cores() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

template <typename F>
double timeMedian(int repeats, F&& f) {
  f();  // warm-up: connections, oneDNN primitives, allocator growth
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    f();
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

AttentionUNetOptions networkOptions(const Settings& s) {
  AttentionUNetOptions o(3, 1, 2);
  if (!s.channels.empty()) o.channels(s.channels);
  return o.deep_supervision(true);
}

std::string networkName(const Settings& s) {
  if (s.channels.empty()) return "default 3D net";
  std::string name = "3D net";
  for (size_t i = 0; i < s.channels.size(); ++i) name += (i ? "," : " ") + std::to_string(s.channels[i]);
  return name;
}

int64_t gradientFloats(const Settings& s) {
  AttentionUNet net(networkOptions(s));
  int64_t n = 0;
  for (const auto& p : net->parameters()) n += p.numel();
  return n;
}

// One training step of the default 3D network with deep supervision (the trainer's
// loss: Dice + cross-entropy, Dice statistics summed over processes).
struct TrainStep {
  AttentionUNet net;
  std::unique_ptr<torch::optim::SGD> sgd;
  std::unique_ptr<aunet::model::GradientBucketReducer> reducer;
  std::shared_ptr<aunet::model::DataParallelGroup> group;
  torch::Tensor x, target;
  torch::Device device;
  aunet::model::DiceCELoss loss;

  TrainStep(const Settings& s, int64_t batch, torch::Device on, std::shared_ptr<aunet::model::DataParallelGroup> g)
      : net(networkOptions(s)), group(std::move(g)), device(on) {
    torch::manual_seed(0);
    net->to(device);
    net->train();
    std::vector<torch::Tensor> params = net->parameters();
    if (group) {
      group->broadcast(params, 0);
      reducer = std::make_unique<aunet::model::GradientBucketReducer>(params, group);
    }
    sgd = std::make_unique<torch::optim::SGD>(params, torch::optim::SGDOptions(0.01).momentum(0.99).nesterov(true));
    torch::manual_seed(group ? group->rank() + 1 : 1);
    x = torch::randn({batch, 1, s.trainSize, s.trainSize, s.trainSize}).to(device);
    target = (x.select(1, 0) > 0.5).to(torch::kLong);
  }

  void operator()() {
    sgd->zero_grad();
    aunet::model::DiceCELoss::StatisticsReducer sum;
    if (group)
      sum = [this](const torch::Tensor& local) {
        std::vector<torch::Tensor> t{local.clone()};
        group->allReduceSum(t);
        return t[0];
      };
    const int world = group ? group->size() : 1;
    const auto out = net->forward_all(x, false, true);
    torch::Tensor l = loss(out.logits, target, sum, world);
    for (const auto& logits : out.deep_supervision) {
      const int64_t stride = target.size(1) / logits.size(2);
      using torch::indexing::Slice;
      const torch::Tensor t = target.index({Slice(), Slice(0, torch::indexing::None, stride),
                                            Slice(0, torch::indexing::None, stride), Slice(0, torch::indexing::None, stride)});
      l = l + loss(logits, t, sum, world) / static_cast<double>(stride);
    }
    l.backward();
    if (reducer) reducer->finish();
    sgd->step();
    synchronize(device);
  }
};

int launch(const Settings& s, char** argv) {
  const torch::Device device = aunet::model::selectDevice(s.device);
  std::cout << "Data-parallel benchmark on " << cpuName() << " (" << cores() << " cores)"
            << (device.is_cuda() ? ", " + std::to_string(torch::cuda::device_count()) + " CUDA device(s)" : "") << ", "
            << s.processes << " processes on this machine, load average " << loadAverage() << "\n\n";
  if (!s.skipTrain) {
    torch::set_num_threads(cores());
    TrainStep step(s, s.processes * s.trainBatch, device, nullptr);
    const double seconds = timeMedian(std::max(1, s.repeats / 2), step);
    std::cout << "| train step, " << networkName(s) << ", " << s.trainSize << "^3 | 1 process, batch " << s.processes * s.trainBatch
              << ", " << cores() << " threads | " << std::fixed << std::setprecision(3) << seconds << " s | "
              << std::setprecision(2) << s.processes * s.trainBatch / seconds << " patches/s |" << std::endl;
  }
  // The ranks, as torchrun starts them.
  const int port = 29000 + static_cast<int>(::getpid() % 20000);
  std::vector<pid_t> children;
  for (int r = 0; r < s.processes; ++r) {
    ::setenv("WORLD_SIZE", std::to_string(s.processes).c_str(), 1);
    ::setenv("RANK", std::to_string(r).c_str(), 1);
    ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
    ::setenv("MASTER_ADDR", "127.0.0.1", 1);
    ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
    pid_t pid = 0;
    if (posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv, environ) != 0) {
      std::cerr << "aunet_dist_bench: cannot start rank " << r << "\n";
      return 1;
    }
    children.push_back(pid);
  }
  int failed = 0;
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  return failed ? 1 : 0;
}

int rankMain(const Settings& s) {
  const auto env = aunet::model::DataParallelEnvironment::fromEnvironment();
  const bool lead = env.rank == 0;
  torch::Device device = aunet::model::selectDevice(s.device);
  if (device.is_cuda()) device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(env.localRank));
  torch::set_num_threads(std::max(1, cores() / env.worldSize));
  const auto group = aunet::model::DataParallelGroup::join(env, device);
  if (lead)
    std::cout << "| all-reduce (" << group->backendName() << ", " << env.worldSize
              << " processes) | MB | wire | ms | algorithm GB/s | bus GB/s |\n| --- | --- | --- | --- | --- | --- |\n";
  std::vector<double> sizes = s.sizesMb;
  const int64_t gradient = gradientFloats(s);
  sizes.push_back(static_cast<double>(gradient) * 4.0 / 1e6);
  for (size_t i = 0; i < sizes.size(); ++i) {
    const double mb = sizes[i];
    const auto floats = static_cast<int64_t>(mb * 1e6 / 4.0);
    for (const torch::ScalarType wire : {torch::kFloat, torch::kBFloat16}) {
      torch::Tensor buffer = torch::ones({floats}, torch::TensorOptions().dtype(wire).device(device));
      const double seconds = timeMedian(s.repeats, [&] {
        group->startAllReduceSum(buffer)();
        synchronize(device);
      });
      // Bytes each process sends and receives in a ring all-reduce: 2 (N-1) / N of the buffer.
      const double bytes = static_cast<double>(buffer.numel() * buffer.element_size());
      const double bus = bytes * 2.0 * (env.worldSize - 1) / env.worldSize / seconds / 1e9;
      if (lead)
        std::cout << "| " << (i + 1 == sizes.size() ? "whole gradient, " + networkName(s) : "buffer")
                  << " | " << std::fixed << std::setprecision(1) << static_cast<double>(floats) * 4.0 / 1e6 << " | "
                  << (wire == torch::kFloat ? "fp32" : "bf16") << " | " << std::setprecision(1) << seconds * 1e3 << " | "
                  << std::setprecision(2) << bytes / seconds / 1e9 << " | " << bus << " |" << std::endl;
    }
  }
  if (!s.skipTrain) {
    TrainStep step(s, s.trainBatch, device, group);
    const double seconds = timeMedian(std::max(1, s.repeats / 2), step);
    if (lead)
      std::cout << "\n| train step, " << networkName(s) << ", " << s.trainSize << "^3 | " << env.worldSize << " processes ("
                << group->backendName() << "), batch " << s.trainBatch << " each, "
                << std::max(1, cores() / env.worldSize) << " thread(s) each | " << std::fixed << std::setprecision(3)
                << seconds << " s | " << std::setprecision(2) << env.worldSize * s.trainBatch / seconds
                << " patches/s | " << step.reducer->bucketCount() << " buckets, "
                << step.reducer->bucketsStartedDuringBackward() << " started during backward |" << std::endl;
  }
  group->barrier("done");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  aunet::model::loadCudaBackend();  // before anything asks LibTorch about CUDA
  Settings s;
  CLI::App app("aunet_dist_bench: all-reduce bandwidth and data-parallel training step (c10d gloo / nccl)");
  app.add_option("--processes", s.processes, "processes on this machine")->check(CLI::Range(2, 64))->capture_default_str();
  app.add_option("--device", s.device, "cpu (gloo) or cuda (nccl, one GPU per process)")->capture_default_str();
  app.add_option("--sizes-mb", s.sizesMb, "buffer sizes besides the whole gradient")->delimiter(',');
  app.add_option("--repeats", s.repeats, "timed repetitions (median)")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_option("--train-size", s.trainSize, "cubic patch of the training step")->check(CLI::Range(16, 256))->capture_default_str();
  app.add_option("--train-batch", s.trainBatch, "batch per process")->check(CLI::PositiveNumber)->capture_default_str();
  app.add_flag("--skip-train", s.skipTrain, "all-reduce rows only");
  app.add_option("--channels", s.channels, "channels per level of the network (default: the default 3D network)")
      ->delimiter(',');
  CLI11_PARSE(app, argc, argv);
  try {
    const char* rank = std::getenv("RANK");
    return rank && *rank ? rankMain(s) : launch(s, argv);
  } catch (const std::exception& e) {
    std::cerr << "aunet_dist_bench: " << e.what() << "\n";
    return 1;
  }
}
