#include "model/nccl/NcclBackendPlugin.h"

#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>

extern "C" c10d::Backend* aunet_create_nccl_backend(c10d::Store* store, int rank, int size, int64_t timeoutMs,
                                                    int cudaDevice, char* error, size_t errorSize) {
  try {
    c10::cuda::set_device(static_cast<c10::DeviceIndex>(cudaDevice));
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = std::chrono::milliseconds(timeoutMs);
    auto backend = c10::make_intrusive<c10d::ProcessGroupNCCL>(
        c10::intrusive_ptr<c10d::Store>::reclaim_copy(store), rank, size, options);
    return backend.release();
  } catch (const std::exception& e) {
    const std::string message = e.what();
    const size_t n = std::min(message.size(), errorSize > 0 ? errorSize - 1 : 0);
    if (errorSize > 0) {
      std::memcpy(error, message.data(), n);
      error[n] = '\0';
    }
    return nullptr;
  }
}
