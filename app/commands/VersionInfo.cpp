#include "app/commands/VersionInfo.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include "aunet/Version.h"
#include "model/CudaBackend.h"
#include "model/MixedPrecision.h"

namespace aunet::app {

std::string versionText() {
  const bool cuda = torch::cuda::is_available();
  const model::CudaBackendStatus& backend = model::loadCudaBackend();
  const model::CpuBf16Support cpuBf16 = model::cpuBf16Support();
  return std::string("aunet ") + kVersion + " (LibTorch " + TORCH_VERSION +
         ", CUDA devices: " + (cuda ? std::to_string(torch::cuda::device_count()) : std::string("none")) +
         (backend.state == model::CudaBackendState::Loaded ? std::string() : "; CUDA backend: " + backend.describe()) +
         ")\nCPU bf16: " + model::describe(cpuBf16) + " (--precision/--mixed-precision auto on the CPU: " +
         (cpuBf16 == model::CpuBf16Support::None ? "float32" : "bf16") + ")";
}

}  // namespace aunet::app
