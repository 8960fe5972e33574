// aunet_train_bench: the training loop of `aunet train` (pipeline/Trainer) on
// generated phantoms, for the default 3D network (patch 96^3, batch 2) and a 2D
// configuration (512^2, batch 3, as the planner gives for 512^2 slices): iterations per second and the share of step
// time spent waiting for the background loader (sampling + augmentation), with
// augmentation as planned and switched off. Not a test; figures go to
// docs/performance.md.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <random>

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
  app.add_option("--rows", rows, "3d, 2d")->delimiter(',');
  CLI11_PARSE(app, argc, argv);
  core::log::setLevel(core::log::Level::Warning);
  const int inEffect = model::configureThreads(threads);
  const fs::path scratch = fs::temp_directory_path() / ("aunet-train-bench-" + std::to_string(std::random_device{}()));
  std::cout << "device: " << model::describeDevice(model::selectDevice(device)) << ", " << inEffect << " thread(s)\n\n"
            << "| configuration | augmentation | batch | it/s | s/it | waiting for data |\n|---|---|---|---|---|---|\n";
  const Row r3{"3D default network, patch 96^3", 3, {160, 160, 128}, {96, 96, 96}, 2};
  const Row r2{"2D default network, patch 512^2", 2, {512, 512, 1}, {512, 512, 1}, 3};
  try {
    for (const auto& name : rows)
      for (bool augment : {true, false}) run(name == "2d" ? r2 : r3, augment, iterations, device, scratch);
  } catch (const std::exception& e) {
    std::cerr << "aunet_train_bench: " << e.what() << "\n";
    fs::remove_all(scratch);
    return 1;
  }
  fs::remove_all(scratch);
  return 0;
}
