#include "model/CudaBackend.h"

#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/util/Exception.h>
#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

namespace aunet::model {

namespace {

// The directory of the libtorch_cpu.so this process runs: libtorch_cuda.so of the same
// LibTorch sits beside it (a wheel, a LibTorch zip, or aunet's package, where it is absent).
std::string torchCudaLibraryPath() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&at::detail::getCUDAHooks), &info) != 0 && info.dli_fname != nullptr)
    return (std::filesystem::path(info.dli_fname).parent_path() / "libtorch_cuda.so").string();
  return "libtorch_cuda.so";
}

std::string lastDlError() {
  const char* e = dlerror();
  return e != nullptr ? std::string(e) : std::string("unknown dlopen error");
}

CudaBackendStatus load() {
  CudaBackendStatus status;
  status.library = torchCudaLibraryPath();
  const char* env = std::getenv("AUNET_CUDA_BACKEND");
  const std::string mode = env != nullptr && *env != '\0' ? env : "auto";
  if (mode != "auto" && mode != "always" && mode != "never") {
    status.state = CudaBackendState::Failed;
    status.detail = "AUNET_CUDA_BACKEND must be auto, always or never, got '" + mode + "'";
    return status;
  }
  if (mode == "never") {
    status.state = CudaBackendState::Disabled;
    return status;
  }
  if (mode != "always" && dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL) == nullptr) {
    status.state = CudaBackendState::NoDriver;
    return status;
  }
  if (status.library != "libtorch_cuda.so" && !std::filesystem::exists(status.library)) {
    status.state = CudaBackendState::NotInstalled;
    return status;
  }
  // RTLD_GLOBAL: its kernels and hooks register with libtorch_cpu's registries, and later
  // libraries (cuDNN's sub-libraries, libtorch_cuda_linalg.so) resolve against it.
  if (dlopen(status.library.c_str(), RTLD_NOW | RTLD_GLOBAL) == nullptr) {
    status.state = CudaBackendState::Failed;
    status.detail = status.library + ": " + lastDlError();
    return status;
  }
  // The stand-in hooks (what ATen keeps if CUDA was asked about before this load) throw
  // here; the real ones answer with the CUDA runtime version they were built against.
  try {
    (void)at::detail::getCUDAHooks().versionCUDART();
  } catch (const c10::Error&) {
    status.state = CudaBackendState::Failed;
    status.detail = "loaded after LibTorch had already been asked about CUDA (a bug: load it first in main)";
    return status;
  }
  status.state = CudaBackendState::Loaded;
  return status;
}

}  // namespace

std::string CudaBackendStatus::describe() const {
  switch (state) {
    case CudaBackendState::Loaded: return "loaded";
    case CudaBackendState::NoDriver: return "no NVIDIA driver, CPU only";
    case CudaBackendState::NotInstalled: return "this LibTorch has no CUDA library, CPU only";
    case CudaBackendState::Disabled: return "off (AUNET_CUDA_BACKEND=never), CPU only";
    case CudaBackendState::Failed: return "not loaded: " + detail;
  }
  return "unknown";
}

const CudaBackendStatus& loadCudaBackend() {
  static const CudaBackendStatus status = load();
  return status;
}

}  // namespace aunet::model
