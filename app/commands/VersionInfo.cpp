#include "app/commands/VersionInfo.h"

#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include "aunet/Version.h"

namespace aunet::app {

std::string versionText() {
  const bool cuda = torch::cuda::is_available();
  return fmt::format("aunet {} (LibTorch {}, CUDA devices: {})", kVersion, TORCH_VERSION,
                     cuda ? std::to_string(torch::cuda::device_count()) : std::string("none"));
}

}  // namespace aunet::app
