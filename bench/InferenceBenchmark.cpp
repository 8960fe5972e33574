// aunet_bench: how fast the default networks run on this machine, against its FP32
// peak. Sections: forward passes (3D 96^3 batch 1 and 2, 2D 512^2), a training step
// (forward + backward + SGD), and whole-volume segmentation through the same
// SegmentationPipeline that `aunet segment` runs. Not a test: figures go to
// docs/performance.md. Run `aunet_bench --help` for the options.

#include <sys/resource.h>
#include <unistd.h>
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/cuda.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "OpProfiler.h"
#include "core/Error.h"
#include "core/HeapReuse.h"
#if AUNET_BENCH_SEGMENT
#include "pipeline/SegmentationPipeline.h"
#include "io/ImageReader.h"
#include "core/Phantom.h"
#endif
#include "model/AttentionUNet.h"
#include "model/CudaBackend.h"
#include "model/DeviceSelection.h"
#include "model/DiceCELoss.h"
#include "model/MixedPrecision.h"
#include "model/ModelFile.h"
#include "model/NetworkFlops.h"
#include "model/SlidingWindowPlan.h"

namespace {

using aunet::model::AttentionUNet;
using aunet::model::AttentionUNetOptions;
using aunet::model::NetworkFlops;
using Clock = std::chrono::steady_clock;

struct Machine {
  std::string cpu = "unknown CPU";
  double mhz = 0.0;
  int cores = 1;
  bool avx512 = false;
  bool amd = false;
  int family = 0;
  // 2 FMA units x 8 floats (AVX2) or 16 (AVX-512) x 2 FLOPs per cycle and core. AMD
  // before Zen 5 (family 26) runs each 512-bit FMA as two 256-bit halves: 32 like AVX2.
  double flopsPerCycle() const { return avx512 && !(amd && family < 26) ? 64.0 : 32.0; }
  double peakGflops() const { return cores * flopsPerCycle() * mhz / 1000.0; }
  // The peak of the arithmetic a pass runs in: bf16 dot products (vdpbf16ps) do two
  // multiply-adds per float lane; AMX tiles 1024 bf16 FLOP per cycle and core.
  double peakGflops(torch::ScalarType precision) const {
    if (precision != torch::kBFloat16) return peakGflops();
    switch (aunet::model::cpuBf16Support()) {
      case aunet::model::CpuBf16Support::DotProducts: return 2.0 * peakGflops();
      case aunet::model::CpuBf16Support::MatrixUnits: return cores * 1024.0 * mhz / 1000.0;
      case aunet::model::CpuBf16Support::None: break;
    }
    return peakGflops();
  }
};

Machine readMachine() {
  Machine m;
  m.cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
    const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    if (key == "model name" && m.cpu == "unknown CPU") m.cpu = value;
    if (key == "cpu MHz" && m.mhz == 0.0) m.mhz = std::stod(value);
    if (key == "vendor_id" && value == "AuthenticAMD") m.amd = true;
    if (key == "cpu family" && m.family == 0) m.family = std::stoi(value);
    if (key == "flags" && (" " + value + " ").find(" avx512f ") != std::string::npos) m.avx512 = true;
  }
  return m;
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  in >> a >> b >> c;
  std::ostringstream out;
  out << std::fixed << std::setprecision(2) << a << ' ' << b << ' ' << c;
  return out.str();
}

// Peak resident memory so far, MB (VmHWM; ru_maxrss as the fallback).
double peakRssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Resident memory now, MB (VmRSS).
double currentRssMb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0.0;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

template <typename F>
double timeMedian(int repeats, F&& f) {
  f();  // warm-up: oneDNN primitive creation, allocator growth
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = Clock::now();
    f();
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return median(t);
}

std::string shape(const std::vector<int64_t>& s) {
  std::ostringstream out;
  for (size_t i = 0; i < s.size(); ++i) out << (i ? "x" : "") << s[i];
  return out.str();
}

struct Settings {
  int threads = 0;
  int repeats = 3;
  std::vector<std::string> sections{"forward", "train", "segment"};
  int64_t trainSize = 96;
  int64_t trainBatch = 2;
  std::string image;  // empty: ch2 template when present, else a phantom
  int64_t profileBatch = 2;
  bool profileTrain = false;  // one more train step under the op profiler
  bool contiguous = false;  // CPU passes in NCDHW instead of channels-last (A/B)
  double overlap = 0.5;     // segmentation's sliding-window overlap
  int segmentBatch = 2;     // windows per forward pass in the segmentation
  // Segmentation network's channels per level; empty: the default network. A tiny
  // network (2,2,2,2,2) leaves what the pipeline costs outside the network.
  std::vector<int64_t> segmentChannels;
  std::string device = "cpu";
  int64_t slabMib = 0;  // 0: the network's default
  std::string precision = "auto";  // autocast: auto (bf16 on CUDA), off, bf16, fp16
  std::string jsonPath;     // figures as JSON too (scripts/compare_monai.py reads them)
};

// Every figure of the run, for --json.
nlohmann::json report = nlohmann::json::object();

torch::Device benchDevice(const Settings& s) { return aunet::model::selectDevice(s.device); }

// Waits for queued GPU work so that wall-clock times mean something.
void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index() < 0 ? -1 : device.index());
}

void forwardRow(const Settings& s, const Machine& m, int64_t dims, const std::vector<int64_t>& spatial, int64_t batch) {
  torch::manual_seed(0);
  const torch::Device device = benchDevice(s);
  AttentionUNet net(AttentionUNetOptions(dims, 1, 2));
  net->to(device);
  net->eval();
  net->set_channels_last_inference(!s.contiguous);
  if (s.slabMib > 0) net->set_inference_slab_bytes(s.slabMib << 20);
  c10::InferenceMode inferenceMode;
  std::vector<int64_t> size{batch, 1};
  size.insert(size.end(), spatial.begin(), spatial.end());
  torch::Tensor x = torch::randn(size).to(device);
  const auto precision = aunet::model::resolveInferencePrecision(s.precision, device);
  const double seconds = timeMedian(s.repeats, [&] {
    const aunet::model::AutocastGuard autocast(device, precision);
    net->forward(x);
    synchronize(device);
  });
  const double voxels = static_cast<double>(x.numel());
  const double gflop = NetworkFlops::forward(net->options(), spatial, batch).total() / 1e9;
  std::cout << "| forward " << dims << "D | " << shape(spatial) << " | " << batch << " | " << std::fixed
            << std::setprecision(3) << seconds << " | " << std::setprecision(2) << voxels / seconds / 1e6 << " | "
            << std::setprecision(1) << gflop << " | " << gflop / seconds << " | " << 100.0 * gflop / seconds / m.peakGflops(precision)
            << "% | " << loadAverage() << " |" << std::endl;
  report["forward"].push_back({{"dims", dims}, {"size", spatial}, {"batch", batch}, {"seconds", seconds},
                               {"gflop", gflop}, {"voxels_per_second", voxels / seconds}});
}

void trainRow(const Settings& s, const Machine& m) {
  torch::manual_seed(0);
  const torch::Device device = benchDevice(s);
  AttentionUNet net(AttentionUNetOptions(3, 1, 2));
  net->to(device);
  net->train();
  net->set_channels_last_training(!s.contiguous);
  torch::optim::SGD sgd(net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.99).nesterov(true));
  const aunet::model::DiceCELoss loss;
  const std::vector<int64_t> spatial(3, s.trainSize);
  const torch::Tensor x = torch::randn({s.trainBatch, 1, s.trainSize, s.trainSize, s.trainSize}).to(device);
  const torch::Tensor target = (x.select(1, 0) > 0.5).to(torch::kLong);  // something learnable
  const auto precision = aunet::model::resolveMixedPrecision(s.precision, device);
  aunet::model::GradientScaler scaler(precision == torch::kHalf);
  auto step = [&] {
    sgd.zero_grad();
    torch::Tensor l;
    {
    const aunet::model::AutocastGuard autocast(device, precision);
    const auto out = net->forward_all(x, false, true);
    l = loss(out.logits, target);
    // Deep supervision as nnU-Net: each coarser head against the target subsampled.
    for (size_t i = 0; i < out.deep_supervision.size(); ++i) {
      const int64_t stride = s.trainSize / out.deep_supervision[i].size(2);
      using torch::indexing::Slice;
      const torch::Tensor t = target.index({Slice(), Slice(0, torch::indexing::None, stride),
                                            Slice(0, torch::indexing::None, stride), Slice(0, torch::indexing::None, stride)});
      l = l + loss(out.deep_supervision[i], t) / static_cast<double>(stride);
    }
    }
    scaler.scale(l).backward();
    const bool finite = scaler.unscale(net->parameters());
    if (finite) sgd.step();
    scaler.update(finite);
    synchronize(device);
  };
  const double seconds = timeMedian(std::max(1, s.repeats - 1), step);
  if (s.profileTrain) {
    aunet::bench::OpProfiler profiler;
    const auto t0 = Clock::now();
    step();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    std::cout << "\nProfile of one 3D train step, " << s.trainSize << "^3, batch " << s.trainBatch << " ("
              << std::fixed << std::setprecision(3) << wall << " s wall, load " << loadAverage() << "):\n";
    aunet::bench::OpProfiler::print(std::cout, wall, 25);
    std::cout << "\n";
  }
  // Backward costs about twice the forward (input and weight gradients).
  const double gflop = 3.0 * NetworkFlops::forward(net->options(), spatial, s.trainBatch, true).total() / 1e9;
  std::cout << "| train step 3D | " << shape(spatial) << " | " << s.trainBatch << " | " << std::fixed
            << std::setprecision(3) << seconds << " | " << std::setprecision(3) << 1.0 / seconds << " it/s | "
            << std::setprecision(1) << gflop << " (3x fwd) | " << gflop / seconds << " | "
            << 100.0 * gflop / seconds / m.peakGflops() << "% | " << loadAverage() << " |" << std::endl;
  report["train"] = {{"size", spatial}, {"batch", s.trainBatch}, {"seconds", seconds}, {"gflop", gflop},
                     {"deep_supervision", true}};
}

#if AUNET_BENCH_SEGMENT
AttentionUNetOptions segmentNetworkOptions(const Settings& s) {
  AttentionUNetOptions options(3, 1, 2);
  if (!s.segmentChannels.empty()) options.channels(s.segmentChannels);
  return options;
}

void segmentSection(const Settings& s, const Machine& m) {
  namespace fs = std::filesystem;
  const std::string ch2 = "/usr/share/mricron/templates/ch2.nii.gz";
  std::string source = s.image.empty() && fs::exists(ch2) ? ch2 : s.image;
  const auto tRead = Clock::now();
  aunet::core::Volume image;
  if (source.empty()) {
    aunet::core::Geometry g;
    g.size = {181, 217, 181};
    image = aunet::core::Phantom::ellipsoids(g, 1).image;
    source = "phantom 181x217x181";
  } else {
    image = aunet::io::readImage(source);
  }
  const double readSeconds = std::chrono::duration<double>(Clock::now() - tRead).count();

  // A freshly initialized default network with the benchmark's plan, saved like a trained one.
  const fs::path dir = fs::temp_directory_path() / ("aunet-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string modelPath = (dir / "bench.aunet").string();
  {
    torch::manual_seed(0);
    AttentionUNet net(segmentNetworkOptions(s));
    aunet::model::ModelMetadata meta;
    meta.description = "aunet_bench: untrained default network";
    meta.labels = aunet::model::LabelInfo::defaults(2);
    meta.plan.orientation = "";
    meta.plan.patch_size = {96, 96, 96};
    meta.plan.normalization.scheme = "zscore";
    aunet::model::ModelFile::save(modelPath, net, meta);
  }
  aunet::pipeline::SegmentationPipeline pipeline(modelPath);
  aunet::model::SegmentationSettings settings;
  settings.device = s.device;
  settings.overlap = s.overlap;
  settings.batch = s.segmentBatch;
  settings.precision = s.precision;
  // What the process holds before the segmentation starts (LibTorch, the model, the
  // image as read): the peak minus this is what the segmentation itself needs.
  const double rssBefore = currentRssMb();
  const auto t0 = Clock::now();
  const auto result = pipeline.segment(image, settings);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  fs::remove_all(dir);

  const auto& size = image.geometry().size;
  const std::vector<int64_t> tensorSize{size[2], size[1], size[0]};
  const std::vector<int64_t> patch{96, 96, 96};
  const auto windows = static_cast<double>(aunet::model::slidingWindowStarts(tensorSize, patch, s.overlap).size());
  const double gflop = windows * NetworkFlops::forward(segmentNetworkOptions(s), patch).total() / 1e9;
  std::cout << "\nSegmentation (pipeline::SegmentationPipeline, as `aunet segment`): " << source << " (" << size[0] << "x"
            << size[1] << "x" << size[2] << ", read in " << std::fixed << std::setprecision(2) << readSeconds
            << " s, not counted), patch 96^3, overlap " << s.overlap << ", batch " << s.segmentBatch << ", "
            << static_cast<int64_t>(windows) << " windows"
            << (s.segmentChannels.empty() ? std::string() : ", network channels " + shape(s.segmentChannels)) << "\n"
            << "| total s | network s | outside network s | network GFLOP | network GFLOP/s | % of peak | RSS before MB | peak RSS MB | load avg |\n"
            << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
            << "| " << std::setprecision(2) << wall << " | " << result.networkSeconds << " | "
            << wall - result.networkSeconds << " | " << std::setprecision(0) << gflop << " | " << std::setprecision(1)
            << gflop / result.networkSeconds << " | " << 100.0 * gflop / result.networkSeconds /
                   m.peakGflops(aunet::model::resolveInferencePrecision(s.precision, benchDevice(s)))
            << "% | " << std::setprecision(0) << rssBefore << " | " << peakRssMb() << " | " << loadAverage() << " |\n"
            << "Stages (s): preprocessing " << std::setprecision(2) << result.preprocessingSeconds << ", inference "
            << result.inferenceSeconds << " (network " << result.networkSeconds << ", blending "
            << result.inferenceSeconds - result.networkSeconds << "), postprocessing " << result.postprocessingSeconds
            << std::endl;
  report["segment"] = {{"image", source},
                       {"size", {size[0], size[1], size[2]}},
                       {"overlap", s.overlap},
                       {"batch", s.segmentBatch},
                       {"channels", segmentNetworkOptions(s).channels()},
                       {"windows", windows},
                       {"seconds", wall},
                       {"network_seconds", result.networkSeconds},
                       {"preprocessing_seconds", result.preprocessingSeconds},
                       {"inference_seconds", result.inferenceSeconds},
                       {"postprocessing_seconds", result.postprocessingSeconds},
                       {"gflop", gflop},
                       {"rss_before_mb", rssBefore},
                       {"peak_rss_mb", peakRssMb()}};
}

#endif  // AUNET_BENCH_SEGMENT

void profileSection(const Settings& s) {
  torch::manual_seed(0);
  AttentionUNet net(AttentionUNetOptions(3, 1, 2));
  net->eval();
  net->set_channels_last_inference(!s.contiguous);
  if (s.slabMib > 0) net->set_inference_slab_bytes(s.slabMib << 20);
  c10::InferenceMode inferenceMode;
  torch::Tensor x = torch::randn({s.profileBatch, 1, 96, 96, 96});
  const torch::Device cpu(torch::kCPU);
  const aunet::model::AutocastGuard autocast(cpu, aunet::model::resolveInferencePrecision(s.precision, cpu));
  net->forward(x);  // warm-up outside the profile
  aunet::bench::OpProfiler profiler;
  const auto t0 = Clock::now();
  net->forward(x);
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  std::cout << "\nProfile of one 3D forward pass, 96^3, batch " << s.profileBatch << " (" << std::fixed << std::setprecision(3) << wall
            << " s wall, load " << loadAverage() << "):\n";
  aunet::bench::OpProfiler::print(std::cout, wall);
}

}  // namespace

int main(int argc, char** argv) {
  aunet::core::reuseFreedMemory();  // as aunet and aunet-viewer do
  aunet::model::loadCudaBackend();  // before anything asks LibTorch about CUDA
  CLI::App app{"aunet_bench: forward, training-step and segmentation timings of the default networks"};
  Settings s;
  app.add_option("--threads", s.threads, "intra-op threads (0 = every core)")->check(CLI::NonNegativeNumber);
  app.add_option("--repeats", s.repeats, "timed repeats per row (median reported, after one warm-up)")
      ->check(CLI::PositiveNumber);
  app.add_option("--sections", s.sections, "any of forward, train, segment, profile")->delimiter(',');
  app.add_option("--train-size", s.trainSize, "cubic patch of the training step")->check(CLI::Range(16, 256));
  app.add_option("--train-batch", s.trainBatch, "batch of the training step")->check(CLI::PositiveNumber);
  app.add_option("--image", s.image, "volume to segment (default: the mricron ch2 template, else a phantom)");
  app.add_option("--profile-batch", s.profileBatch, "batch of the profiled forward pass (the pipeline runs 2)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--profile-train", s.profileTrain, "train row: profile one more step (self time per op)");
  app.add_flag("--contiguous", s.contiguous,
               "forward, train and profile rows: CPU passes in NCDHW instead of channels-last (A/B)");
  app.add_option("--slab-mib", s.slabMib,
                 "forward/profile: build decoder concatenations above this many MiB a slab at a time (0: the default)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--overlap", s.overlap, "segmentation: sliding-window overlap")->check(CLI::Range(0.0, 0.95));
  app.add_option("--segment-batch", s.segmentBatch, "segmentation: windows per forward pass")->check(CLI::PositiveNumber);
  app.add_option("--segment-channels", s.segmentChannels,
                 "segmentation: the network's channels per level (default 16,32,64,128,256); 2,2,2,2,2 leaves the "
                 "pipeline's own cost")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  app.add_option("--device", s.device, "cpu, cuda, cuda:N or auto");
  app.add_option("--precision", s.precision,
                 "autocast: auto (inference: bf16 on CUDA and on CPUs with AVX-512 BF16 or AMX, else fp32; training: bf16 on CUDA), off, bf16, fp16")
      ->check(CLI::IsMember({"auto", "off", "bf16", "fp16"}));
  app.add_option("--json", s.jsonPath, "also write the figures to this JSON file");
  CLI11_PARSE(app, argc, argv);

  try {
    const int threads = aunet::model::configureThreads(s.threads);
    const Machine m = readMachine();
    const std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    const torch::Device device = benchDevice(s);
    if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);  // fixed shapes: let cuDNN pick
    report["device"] = aunet::model::describeDevice(device);
    report["threads"] = threads;
    report["cpu"] = m.cpu;
    report["date"] = date;
    report["precision"] = s.precision;
    report["inference_precision"] = c10::toString(aunet::model::resolveInferencePrecision(s.precision, device));
    std::cout << "aunet_bench " << date << "\nDevice: " << aunet::model::describeDevice(device) << ", "
              << m.cpu << ", " << m.cores << " logical cores at " << m.mhz << " MHz\n"
              << "Threads: " << threads << " intra-op, " << at::get_num_interop_threads() << " inter-op; oneDNN "
              << (at::hasMKLDNN() ? "on" : "off") << "\nInference precision (--precision " << s.precision << "): "
              << c10::toString(aunet::model::resolveInferencePrecision(s.precision, device))
              << " (CPU bf16: " << aunet::model::describe(aunet::model::cpuBf16Support()) << ")"
              << "\nFP32 peak estimate: " << m.cores
              << " cores x " << m.flopsPerCycle() << " FLOP/cycle x "
              << m.mhz / 1000.0 << " GHz = " << std::fixed << std::setprecision(1) << m.peakGflops() << " GFLOP/s"
              << (m.peakGflops(torch::kBFloat16) != m.peakGflops()
                      ? "; bf16 peak estimate " + std::to_string(static_cast<int>(m.peakGflops(torch::kBFloat16))) +
                            " GFLOP/s (the % of peak of bf16 rows)"
                      : std::string())
              << "\n"
              << "Load average at start: " << loadAverage() << "\n";
    auto wants = [&](const std::string& name) { return std::find(s.sections.begin(), s.sections.end(), name) != s.sections.end(); };
    // Segmentation first: its peak RSS is then its own, not the earlier sections'.
#if AUNET_BENCH_SEGMENT
    if (wants("segment")) segmentSection(s, m);
#else
    // A model-only build (AUNET_WITH_IO=OFF, e.g. a GPU node without ITK/OpenCV/Qt).
    if (wants("segment")) throw aunet::core::Error("the segment section needs the IO layer (built with AUNET_WITH_IO=OFF)");
#endif
    if (wants("forward") || wants("train")) {
      std::cout << "\n| case | size | batch | seconds (median) | Mvoxel/s or it/s | GFLOP | GFLOP/s | % of peak | load avg |\n"
                << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
    }
    if (wants("forward")) {
      forwardRow(s, m, 3, {96, 96, 96}, 1);
      forwardRow(s, m, 3, {96, 96, 96}, 2);
      forwardRow(s, m, 2, {512, 512}, 1);
    }
    if (wants("train")) trainRow(s, m);
    if (wants("profile")) profileSection(s);
    std::cout << "\nPeak RSS of the whole run: " << std::setprecision(0) << peakRssMb() << " MB; load average at end: "
              << loadAverage() << std::endl;
    report["peak_rss_mb"] = peakRssMb();
    report["load_average_end"] = loadAverage();
    if (!s.jsonPath.empty()) {
      std::ofstream out(s.jsonPath);
      out << report.dump(2) << '\n';
      if (!out) throw std::runtime_error("cannot write " + s.jsonPath);
    }
  } catch (const std::exception& e) {
    std::cerr << "aunet_bench: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
