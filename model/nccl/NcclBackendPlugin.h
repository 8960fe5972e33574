#pragma once
// The C entry point of libaunet_nccl.so: c10d's ProcessGroupNCCL lives in
// libtorch_cuda.so, which CPU-only runs never load (model/CudaBackend.h), so the one
// place that constructs it is a small library of its own, loaded on demand by
// C10dDataParallelGroup.

#include <cstddef>
#include <cstdint>

namespace c10d {
class Store;
class Backend;
}  // namespace c10d

extern "C" {
// Returns a new reference to a ProcessGroupNCCL on `cudaDevice` (ownership passes to
// the caller: c10::intrusive_ptr<c10d::Backend>::reclaim), or nullptr with a message
// in `error`. `store` is borrowed.
using AunetCreateNcclBackend = c10d::Backend* (*)(c10d::Store* store, int rank, int size, int64_t timeoutMs,
                                                  int cudaDevice, char* error, size_t errorSize);
c10d::Backend* aunet_create_nccl_backend(c10d::Store* store, int rank, int size, int64_t timeoutMs, int cudaDevice,
                                         char* error, size_t errorSize);
}
