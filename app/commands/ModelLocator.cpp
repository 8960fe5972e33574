#include "app/commands/ModelLocator.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

namespace aunet::app {

namespace fs = std::filesystem;

namespace {

// Relative to the executable's folder; must match the install destination of the
// models in cmake/Packaging.cmake (${CMAKE_INSTALL_DATADIR}/aunet/models next to bin/).
constexpr const char* kModelsFromBin = "../share/aunet/models";

bool isFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

}  // namespace

std::string ModelLocator::executableDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return {};
  return exe.parent_path().string();
}

std::vector<std::string> ModelLocator::searchPath() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("AUNET_MODEL_PATH"); env && *env) {
    std::string list(env);
    size_t start = 0;
    while (start <= list.size()) {
      const size_t colon = std::min(list.find(':', start), list.size());
      if (colon > start) dirs.push_back(list.substr(start, colon - start));
      start = colon + 1;
    }
  }
  const std::string bin = executableDir();
  if (!bin.empty()) dirs.push_back((fs::path(bin) / kModelsFromBin).lexically_normal().string());
  return dirs;
}

std::string ModelLocator::resolve(const std::string& nameOrPath) {
  std::error_code ec;
  if (nameOrPath.empty() || fs::exists(nameOrPath, ec) || nameOrPath.find('/') != std::string::npos) return nameOrPath;
  for (const std::string& dir : searchPath()) {
    for (const std::string& candidate : {nameOrPath, nameOrPath + ".aunet"}) {
      const fs::path p = fs::path(dir) / candidate;
      if (isFile(p)) return p.string();
    }
  }
  return nameOrPath;
}

std::vector<std::pair<std::string, std::string>> ModelLocator::available() {
  std::vector<std::pair<std::string, std::string>> found;
  std::set<std::string> seen;
  for (const std::string& dir : searchPath()) {
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    std::vector<fs::path> files;
    for (; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".aunet" && isFile(it->path())) files.push_back(it->path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files)
      if (seen.insert(f.stem().string()).second) found.emplace_back(f.stem().string(), f.string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace aunet::app
