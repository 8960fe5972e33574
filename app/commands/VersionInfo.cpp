#include "app/commands/VersionInfo.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include "aunet/Version.h"

namespace aunet::app {

std::string versionText() {
  const bool cuda = torch::cuda::is_available();
  return std::string("aunet ") + kVersion + " (LibTorch " + TORCH_VERSION +
         ", CUDA devices: " + (cuda ? std::to_string(torch::cuda::device_count()) : std::string("none")) + ")";
}

}  // namespace aunet::app
