#include "app/commands/DemoCommand.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <ostream>

#include <torch/nn/functional/upsampling.h>
#include <torch/optim/adam.h>

#include "aunet/Version.h"
#include "io/ImageWriter.h"
#include "core/Log.h"
#include "core/Phantom.h"
#include "model/AttentionUNet.h"
#include "model/DeviceSelection.h"
#include "model/DiceCELoss.h"
#include "model/ModelFile.h"
#include "model/VolumeTensor.h"

namespace aunet::app {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

core::Geometry demoGeometry(int size) {
  core::Geometry g;
  g.size = {size, size, size};
  g.spacing = {1.2, 1.2, 1.5};
  g.origin = {-40.0, -30.0, 20.0};
  // A 10 degree rotation about the scanner's z axis: the outputs must keep it exactly.
  const double a = 10.0 * M_PI / 180.0;
  g.direction = {std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
  return g;
}

torch::Tensor zscore(const torch::Tensor& x) { return (x - x.mean()) / x.std().clamp_min(1e-6); }

}  // namespace

void setupDemoCommand(CLI::App& parent, DemoOptions& options) {
  auto* cmd = parent.add_subcommand(
      "demo", "Segment a generated phantom end to end (image, mask, attention maps, model file) as a first check");
  cmd->footer(
      "Examples:\n"
      "  aunet demo -o aunet-demo                   # ~35 s on 2 CPU cores\n"
      "  aunet demo -o quick --size 32 --fit-steps 10 --device cpu");
  cmd->add_option("-o,--output", options.outputDir, "Folder for the results")->capture_default_str();
  cmd->add_option("--device", options.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  cmd->add_option("--size", options.size, "Phantom edge length in voxels")->capture_default_str()->check(CLI::Range(16, 256));
  cmd->add_option("--fit-steps", options.fitSteps, "Optimizer steps on the phantom before segmenting (0 = untrained)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--learning-rate", options.learningRate, "Adam learning rate for the fit")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--seed", options.seed, "Random seed for the phantom and the weights")->capture_default_str();
}

int runDemoCommand(const DemoOptions& options, std::ostream& out) {
  const auto start = Clock::now();
  const torch::Device device = model::selectDevice(options.device);
  torch::manual_seed(options.seed);
  std::filesystem::create_directories(options.outputDir);
  const std::filesystem::path dir(options.outputDir);

  const core::Phantom phantom = core::Phantom::ellipsoids(demoGeometry(options.size), options.seed);
  const torch::Tensor image = zscore(model::volumeToTensor(phantom.image)).to(device);
  const torch::Tensor truth =
      torch::from_blob(const_cast<uint16_t*>(phantom.labels.data()), {1, options.size, options.size, options.size},
                       torch::kUInt16)
          .to(torch::kLong)
          .to(device);

  model::AttentionUNet net(model::AttentionUNetOptions(3, 1, 3));
  net->to(device);
  out << "Network: 3D Attention U-Net, " << net->parameter_count() << " parameters, on "
      << model::describeDevice(device) << "\n";

  if (options.fitSteps > 0) {
    // Fitting on the very image it then segments: a smoke test of the whole training
    // and inference path, not a model that generalizes.
    net->train();
    torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(options.learningRate));
    model::DiceCELoss loss;
    const auto fitStart = Clock::now();
    for (int step = 1; step <= options.fitSteps; ++step) {
      optimizer.zero_grad();
      torch::Tensor value = loss(net->forward(image), truth);
      value.backward();
      optimizer.step();
      if (step == 1 || step % 10 == 0 || step == options.fitSteps)
      {
        std::ostringstream line;
        line << "fit step " << step << "/" << options.fitSteps << ": loss " << std::fixed << std::setprecision(4)
             << value.item<double>() << " (" << std::setprecision(1) << secondsSince(fitStart) << " s)";
        core::log::info(line.str());
      }
    }
  }

  net->eval();
  torch::NoGradGuard noGrad;
  const auto inferStart = Clock::now();
  model::AttentionUNetOutput result = net->forward_all(image, /*with_attention=*/true, /*with_deep_supervision=*/false);
  const torch::Tensor prediction = result.logits.argmax(1);
  const double inferSeconds = secondsSince(inferStart);
  const std::vector<double> dice = model::diceScores(prediction, truth, 3);

  const auto& geometry = phantom.image.geometry();
  io::writeImage(phantom.image, (dir / "image.nii.gz").string());
  io::writeLabelMap(phantom.labels, (dir / "reference.nii.gz").string());
  io::writeLabelMap(model::labelMapFromTensor(prediction[0], geometry), (dir / "mask.nii.gz").string());
  std::vector<std::string> attentionFiles;
  for (size_t a = 0; a < result.attention.size(); ++a) {
    // Alpha lives on the skip's grid (input / 2^level); resampled here onto the input
    // grid so every viewer overlays it on the image directly.
    const torch::Tensor full = torch::nn::functional::interpolate(
        result.attention[a], torch::nn::functional::InterpolateFuncOptions()
                                 .size(std::vector<int64_t>{options.size, options.size, options.size})
                                 .mode(torch::kTrilinear)
                                 .align_corners(false));
    const std::string name = "attention_level" + std::to_string(result.attention_levels[a]) + ".nii.gz";
    io::writeImage(model::volumeFromTensor(full[0], geometry), (dir / name).string());
    attentionFiles.push_back(name);
  }

  model::ModelMetadata meta;
  meta.description = options.fitSteps > 0
                         ? "Demonstration only: fitted for " + std::to_string(options.fitSteps) +
                               " steps on one synthetic phantom; not a clinical tool."
                         : "Demonstration only: freshly initialized, untrained network; not a clinical tool.";
  meta.labels = model::LabelInfo::defaults(3);
  meta.labels[1].name = "ellipsoid";
  meta.labels[2].name = "sphere";
  meta.plan.orientation = "";
  meta.plan.normalization.scheme = "zscore";
  meta.provenance.dataset = "synthetic ellipsoid phantom";
  meta.provenance.epochs = 0;
  meta.provenance.aunet_version = kVersion;
  meta.provenance.created = model::Provenance::nowUtc();
  net->to(torch::kCPU);
  model::ModelFile::save((dir / "demo.aunet").string(), net, meta);

  nlohmann::json report{{"network_parameters", net->parameter_count()},
                        {"device", model::describeDevice(device)},
                        {"fit_steps", options.fitSteps},
                        {"inference_seconds", inferSeconds},
                        {"total_seconds", secondsSince(start)},
                        {"dice", {{"ellipsoid", dice[0]}, {"sphere", dice[1]}}},
                        {"geometry", geometry.describe()},
                        {"files", {"image.nii.gz", "reference.nii.gz", "mask.nii.gz", "demo.aunet"}},
                        {"attention_files", attentionFiles}};
  {
    const auto tmp = dir / ".report.json.tmp";
    std::ofstream(tmp) << report.dump(2) << "\n";
    std::filesystem::rename(tmp, dir / "report.json");
  }

  if (options.fitSteps > 0)
    out << "NOTE: this network was freshly initialized and fitted for " << options.fitSteps
        << " steps on this one synthetic phantom: the result shows the pipeline works end to end; it is not a "
           "clinical segmentation (the trained demonstration model is resources/models/demo-brain.aunet).\n";
  else
    out << "NOTE: freshly initialized, untrained network: the mask is meaningless; it only shows the pipeline works "
           "end to end.\n";
  out << std::fixed << std::setprecision(3) << "Segmented a " << options.size << "^3 phantom (" << geometry.describe()
      << ") in " << inferSeconds << " s; Dice vs. the phantom's labels: ellipsoid " << dice[0] << ", sphere "
      << dice[1] << "\n";
  out << "Results in " << std::filesystem::absolute(dir).lexically_normal().string()
      << "/: image.nii.gz, mask.nii.gz, reference.nii.gz, " << attentionFiles.size()
      << " attention maps, demo.aunet, report.json\n";
  // Point at the binaries beside this one, so the printed commands work as written.
  std::error_code ec;
  const std::filesystem::path binDir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  const auto tool = [&](const std::string& name) {
    const std::filesystem::path candidate = binDir / name;
    return !ec && std::filesystem::exists(candidate) ? candidate.string() : name;
  };
  const std::string absDir = std::filesystem::absolute(dir).lexically_normal().string();
  out << "Inspect the model:   " << tool("aunet") << " info " << absDir << "/demo.aunet\n";
  out << "Open in the viewer:  " << tool("aunet-viewer") << " " << absDir << "/image.nii.gz --mask " << absDir
      << "/mask.nii.gz --model " << absDir << "/demo.aunet\n";
  return 0;
}

}  // namespace aunet::app
