#pragma once
// LibTorch's CUDA side (libtorch_cuda.so, and through it cuDNN and cuBLAS) is loaded at
// start, and only where an NVIDIA driver is installed. Linked in, it costs every CPU-only
// run about 270 MB of resident memory for code it never calls (its relocations and
// kernel registrations run at load), half of what LibTorch holds before the first voxel.

#include <string>

namespace aunet::model {

enum class CudaBackendState {
  Loaded,        // libtorch_cuda.so is in the process: CUDA devices, if any, are usable
  NoDriver,      // no NVIDIA driver (libcuda.so.1) on this machine: CPU only
  NotInstalled,  // this LibTorch has no libtorch_cuda.so beside libtorch_cpu.so (a CPU-only set)
  Disabled,      // AUNET_CUDA_BACKEND=never
  Failed,        // present but did not load (detail says why)
};

struct CudaBackendStatus {
  CudaBackendState state = CudaBackendState::NoDriver;
  std::string library;  // the libtorch_cuda.so looked for
  std::string detail;   // the loader's message when it failed

  // "loaded", "no NVIDIA driver", ... : what `aunet --version` shows.
  std::string describe() const;
};

// Loads the CUDA backend once and returns what happened; later calls return the same.
// Call it first thing in main(), before anything asks LibTorch about CUDA: ATen settles
// on the first such question, for the life of the process, whether CUDA exists.
// $AUNET_CUDA_BACKEND: auto (the default: load when a driver is found), always (load even
// without a driver, e.g. to check the library itself), never.
const CudaBackendStatus& loadCudaBackend();

}  // namespace aunet::model
