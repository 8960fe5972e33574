#include "model/DeviceSelection.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <regex>
#include <thread>

#include "core/Error.h"
#include "core/ThreadCount.h"
#include "model/CudaBackend.h"

namespace aunet::model {

torch::Device selectDevice(const std::string& spec) {
  if (spec == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (spec == "cpu") return torch::kCPU;
  static const std::regex kCuda(R"(cuda(?::(\d+))?)");
  std::smatch match;
  if (!std::regex_match(spec, match, kCuda))
    throw core::Error("invalid --device '" + spec + "' (expected auto, cpu, cuda or cuda:N)");
  if (!torch::cuda::is_available())
    throw core::Error("--device " + spec + ": no CUDA device is available on this machine (CUDA backend: " +
                      loadCudaBackend().describe() + "; use --device cpu or auto)");
  const int index = match[1].matched ? std::stoi(match[1].str()) : 0;
  const auto count = static_cast<int>(torch::cuda::device_count());
  if (index >= count)
    throw core::Error("--device " + spec + ": only " + std::to_string(count) + " CUDA device(s) present");
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
}

std::vector<std::string> expandDevices(const std::string& spec) {
  std::vector<std::string> devices;
  if (spec == "cuda:all") {
    if (!torch::cuda::is_available())
      throw core::Error("--device cuda:all: no CUDA device is available on this machine (CUDA backend: " +
                        loadCudaBackend().describe() + "; use --device cpu or auto)");
    for (int i = 0; i < static_cast<int>(torch::cuda::device_count()); ++i) devices.push_back("cuda:" + std::to_string(i));
    return devices;
  }
  size_t start = 0;
  while (true) {
    const size_t comma = spec.find(',', start);
    devices.push_back(spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    selectDevice(devices.back());
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return devices;
}

int configureThreads(int requested) {
  if (requested < 0) throw core::Error("--threads must be 0 (all cores) or a positive number");
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(requested == 0 ? cores : requested);
  core::setThreadCount(at::get_num_threads());  // the same budget for aunet's own pools
  return at::get_num_threads();
}

std::string describeDevice(const torch::Device& device) {
  if (device.is_cpu()) return "cpu (" + std::to_string(at::get_num_threads()) + " threads)";
  return device.str();
}

}  // namespace aunet::model
