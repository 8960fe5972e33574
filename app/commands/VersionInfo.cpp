#include "app/commands/VersionInfo.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include "aunet/Version.h"
#include "model/CudaBackend.h"

namespace aunet::app {

std::string versionText() {
  const bool cuda = torch::cuda::is_available();
  const model::CudaBackendStatus& backend = model::loadCudaBackend();
  return std::string("aunet ") + kVersion + " (LibTorch " + TORCH_VERSION +
         ", CUDA devices: " + (cuda ? std::to_string(torch::cuda::device_count()) : std::string("none")) +
         (backend.state == model::CudaBackendState::Loaded ? std::string() : "; CUDA backend: " + backend.describe()) +
         ")";
}

}  // namespace aunet::app
