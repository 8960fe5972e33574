// aunet_train_bench: the training loop of `aunet train` (pipeline/Trainer) on
// generated phantoms, for the default 3D network (patch 96^3, batch 2) and a 2D
// configuration (512^2, batch 3, as the planner gives for 512^2 slices): iterations per second and the share of step
// time spent waiting for the background loader (sampling + augmentation), with
// augmentation as planned and switched off, and (--rows sampling) the CPU cost of
// sampling with intensity randomization and synthetic images. Not a test; figures go to
// docs/performance.md.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <random>

#include <ctime>

#include "pipeline/GenerationLabels.h"
#include "pipeline/PatchSampler.h"
#include "pipeline/Trainer.h"
#include "core/HeapReuse.h"
#include "core/Log.h"
#include "core/Phantom.h"
#include "model/CudaBackend.h"
#include "model/DeviceSelection.h"

namespace {

namespace fs = std::filesystem;
using namespace aunet;

struct Row {
  std::string name;
  int dims;
  aunet::core::Index3 caseSize;
  std::vector<int64_t> patch;  // (i, j, k)
  int batch;
};

void run(const Row& row, bool augment, int iterations, const std::string& device, const fs::path& scratch) {
  aunet::core::Geometry g;
  g.size = row.caseSize;
  std::vector<pipeline::TrainingCase> cases;
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    const auto p = aunet::core::Phantom::ellipsoids(g, seed, 8.0);
    cases.push_back({"phantom" + std::to_string(seed), p.image, p.labels});
  }
  pipeline::TrainerOptions o;
  o.plan.dataset = "bench";
  o.plan.spatial_dims = row.dims;
  o.plan.preprocessing.target_spacing = {1.0, 1.0, 1.0};
  o.plan.preprocessing.patch_size = row.patch;
  o.plan.batch_size = row.batch;
  o.plan.epochs = 2;  // epoch 1 warms up (allocator, oneDNN primitives); epoch 2 is measured
  o.plan.iterations_per_epoch = iterations;
  if (!augment) o.plan.augmentation = model::AugmentationPlan::none();
  o.metadata.labels = model::LabelInfo::defaults(3);
  o.device = device;
  o.seed = 1;
  o.runDir = (scratch / (row.name + (augment ? "-aug" : "-plain"))).string();
  const auto result = pipeline::trainModel(o, cases, {});
  const auto& r = result.history.back();
  std::cout << "| " << row.name << " | " << (augment ? "planned" : "off") << " | " << row.batch << " | " << std::fixed
            << std::setprecision(3) << iterations / r.seconds << " | " << std::setprecision(2)
            << r.seconds / iterations << " | " << std::setprecision(1) << 100.0 * r.dataWaitFraction << "% |" << std::endl;
}

// CPU time of this process, all threads (robust to other work on a shared machine).
double threadCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

// Sampling + augmentation alone (what the loader thread does per sample), in process
// CPU milliseconds per sample: the planned augmentation, with intensity randomization
// on, and synthetic images (issue 28).
void samplingCost(int samples) {
  aunet::core::Geometry g;
  g.size = {60, 72, 60};
  const auto p = aunet::core::Phantom::ellipsoids(g, 1, 8.0);
  const pipeline::TrainingCase c{"phantom", p.image, p.labels};
  const std::vector<int64_t> patch{48, 48, 48};
  std::cout << "\n| sampling + augmentation, patch 48^3 | CPU ms / sample |\n|---|---|\n";
  for (int mode = 0; mode < 3; ++mode) {
    model::AugmentationPlan plan;
    if (mode >= 1) plan = plan.withIntensityRandomization(true);
    if (mode == 2) plan.synthetic = 1.0;
    pipeline::CaseTensors t = pipeline::makeCaseTensors(c, 3, 3, 1, torch::kCPU);
    if (mode == 2) pipeline::attachGenerationLabels(t, c, 3, 3);
    const pipeline::PatchSampler sampler({t}, patch, 3, 1.0 / 3, pipeline::TrainingAugmenter(plan, patch, {1.0, 1.0, 1.0}));
    for (int i = 0; i < 3; ++i) sampler.batch({pipeline::PatchSampler::sampleSeed(9, 0, i, 0)});  // warm-up
    const double start = threadCpuSeconds();
    for (int i = 0; i < samples; ++i) sampler.batch({pipeline::PatchSampler::sampleSeed(1, 1, i, 0)});
    const char* names[] = {"planned (nnU-Net defaults)", "planned + intensity randomization on", "synthetic (+ randomization)"};
    std::cout << "| " << names[mode] << " | " << std::fixed << std::setprecision(1)
              << 1000.0 * (threadCpuSeconds() - start) / samples << " |" << std::endl;
  }
}

}  // namespace

int main(int argc, char** argv) {
  aunet::core::reuseFreedMemory();  // as aunet and aunet-viewer do
  aunet::model::loadCudaBackend();  // before anything asks LibTorch about CUDA
  CLI::App app{"aunet_train_bench: training iterations per second and data-loading wait of the default networks"};
  int iterations = 5, threads = 0;
  std::string device = "cpu";
  std::vector<std::string> rows{"3d", "2d"};
  app.add_option("--iterations", iterations, "measured iterations per row (after as many warm-up ones)")->capture_default_str();
  app.add_option("--device", device, "cpu, cuda, cuda:N")->capture_default_str();
  app.add_option("--threads", threads, "CPU threads (0 = all cores)")->capture_default_str();
  app.add_option("--rows", rows, "3d, 2d, sampling (augmentation cost alone, issue 28)")->delimiter(',');
  int samples = 40;
  app.add_option("--samples", samples, "samples timed per augmentation setting (--rows sampling)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  core::log::setLevel(core::log::Level::Warning);
  const int inEffect = model::configureThreads(threads);
  const fs::path scratch = fs::temp_directory_path() / ("aunet-train-bench-" + std::to_string(std::random_device{}()));
  std::cout << "device: " << model::describeDevice(model::selectDevice(device)) << ", " << inEffect << " thread(s)\n\n"
            << "| configuration | augmentation | batch | it/s | s/it | waiting for data |\n|---|---|---|---|---|---|\n";
  const Row r3{"3D default network, patch 96^3", 3, {160, 160, 128}, {96, 96, 96}, 2};
  const Row r2{"2D default network, patch 512^2", 2, {512, 512, 1}, {512, 512, 1}, 3};
  try {
    for (const auto& name : rows) {
      if (name == "sampling") {
        samplingCost(samples);
        continue;
      }
      for (bool augment : {true, false}) run(name == "2d" ? r2 : r3, augment, iterations, device, scratch);
    }
  } catch (const std::exception& e) {
    std::cerr << "aunet_train_bench: " << e.what() << "\n";
    fs::remove_all(scratch);
    return 1;
  }
  fs::remove_all(scratch);
  return 0;
}
