#include "model/CudaBackend.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <fstream>
#include <string>

namespace {

// Which of LibTorch's libraries this process has mapped.
bool mapped(const std::string& library) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find("/" + library) != std::string::npos) return true;
  return false;
}

}  // namespace

// The test main loads the backend as the programs do: where no driver is, the CUDA side
// of LibTorch stays out of the process (its ~270 MB of pages) and CUDA reports no device.
TEST(CudaBackendTest, CudaSideStaysOutOfTheProcessWithoutADriver) {
  const auto& status = aunet::model::loadCudaBackend();
  ASSERT_TRUE(mapped("libtorch_cpu.so"));
  if (status.state == aunet::model::CudaBackendState::Loaded) {
    EXPECT_TRUE(mapped("libtorch_cuda.so"));
    GTEST_SKIP() << "an NVIDIA driver is present: the CUDA backend is loaded (CUDA devices: "
                 << torch::cuda::device_count() << ")";
  }
  EXPECT_EQ(status.state, aunet::model::CudaBackendState::NoDriver) << status.describe();
  EXPECT_FALSE(mapped("libtorch_cuda.so"));
  EXPECT_FALSE(mapped("libc10_cuda.so"));
  EXPECT_FALSE(torch::cuda::is_available());
  EXPECT_EQ(status.describe(), "no NVIDIA driver, CPU only");
}
