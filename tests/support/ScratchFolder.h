#pragma once
// A fresh, uniquely named folder under the system temp directory, removed with
// everything in it when the object goes away: one per test that writes files.

#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace aunet::test {

class ScratchFolder {
 public:
  explicit ScratchFolder(const std::string& prefix = "aunet-test-") {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() / (prefix + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  ~ScratchFolder() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Every entry of the folder, for "no temporary file left" checks.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    return names;
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace aunet::test
