#pragma once
// A private folder in RAM (/dev/shm, else the temp folder) for the fuzz targets: the
// readers take paths, so each input is written there as a file first.

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace aunet::fuzz {

inline const std::filesystem::path& scratchFolder() {
  static const std::filesystem::path folder = [] {
    std::error_code ec;
    const std::filesystem::path base =
        std::filesystem::is_directory("/dev/shm", ec) ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path();
    const std::filesystem::path f = base / ("aunet-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(f);
    return f;
  }();
  return folder;
}

inline std::string writeInput(const std::string& name, const uint8_t* data, size_t size) {
  const std::filesystem::path target = scratchFolder() / name;
  std::error_code ec;
  std::filesystem::create_directories(target.parent_path(), ec);
  const std::string path = target.string();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                 static_cast<std::streamsize>(size));
  return path;
}

}  // namespace aunet::fuzz
