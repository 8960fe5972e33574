#pragma once
// Keeps large freed blocks in the process heap for reuse instead of unmapping them.
//
// glibc serves every allocation above its mmap threshold (128 KiB growing to at most
// 32 MiB) with a fresh mapping and unmaps it on free, so each large tensor of a
// forward pass (a 96^3 window at batch 2 allocates and frees some 40 blocks of
// 50-350 MB) page-faults in zero-filled memory on first touch. On the 2-core VM that
// runs at about 1 GB/s and was a third of a 3D forward pass (docs/performance.md). With
// the threshold raised, freed blocks stay in the heap and the next layer or window
// reuses them. Std-only; a no-op where the C library is not glibc. The programs link
// tcmalloc where it is installed (cmake/Allocator.cmake), which reuses freed blocks with
// less fragmentation; this setting then only concerns what still goes through glibc.

#include <cstddef>

namespace aunet::core {

// Call once, early in main(): blocks below `mmap_threshold_bytes` come from the heap,
// and up to `keep_bytes` of free memory at the top of the heap are kept for reuse.
// Returns false when the C library refused (or is not glibc).
bool reuseFreedMemory(std::size_t mmap_threshold_bytes = std::size_t{1} << 30,
                      std::size_t keep_bytes = std::size_t{1} << 30);

// Gives the free memory the heap keeps back to the OS (tcmalloc's ReleaseFreeMemory
// when the program allocates through it, and glibc's malloc_trim): for a
// long-running process once a large job is done, e.g. the viewer after a segmentation.
void releaseFreedMemory();

}  // namespace aunet::core
