#pragma once
// Memory sizes as users type them on the command line: "512M", "8G", "1.5GiB",
// "2048MB", "4000000000" (bytes). Units are binary (K = 1024) whether or not an "i"
// is written, as `free -h` and cluster schedulers' "--mem=8G" read them.

#include <cstdint>
#include <string>

namespace aunet::app {

// Throws core::Error "invalid <option> '<text>': <reason>" for anything else, zero
// included.
uint64_t parseMemorySize(const std::string& text, const std::string& option);

}  // namespace aunet::app
