#pragma once
// How much memory the machine can still give us, for checks that refuse work before
// allocating it (image readers, `aunet segment --max-memory`). Std-only.

#include <cstdint>
#include <string>

namespace aunet::core {

// Bytes the OS reports as available (MemAvailable in /proc/meminfo), or 0 when unknown.
uint64_t availableMemoryBytes();

// "1234 MiB" (rounded up; "12 KiB" below one MiB), for messages.
std::string formatMebibytes(uint64_t bytes);

}  // namespace aunet::core
