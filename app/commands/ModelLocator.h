#pragma once
// Finds model files by name, so `aunet segment -m demo-brain ...` works wherever aunet
// is installed. A model argument that names an existing file is used as it is; a bare
// name (no '/') is looked up as NAME and NAME.aunet in the model folders:
//   1. each folder of $AUNET_MODEL_PATH (':'-separated), in order;
//   2. <folder of the running executable>/../share/aunet/models: where `cmake --install`
//      and the .deb put the shipped models (bin/aunet -> share/aunet/models); the build
//      tree mirrors that layout (build/bin, build/share/aunet/models).

#include <string>
#include <utility>
#include <vector>

namespace aunet::app {

class ModelLocator {
 public:
  // The model folders, in search order (existing or not).
  static std::vector<std::string> searchPath();

  // The path to load for `nameOrPath`: itself when it exists or contains a '/', else
  // the first NAME or NAME.aunet found in searchPath(), else `nameOrPath` unchanged (so
  // the loader reports it missing under the name the user gave).
  static std::string resolve(const std::string& nameOrPath);

  // Models found in the search path: (name without .aunet, path), first occurrence of
  // each name, sorted by name.
  static std::vector<std::pair<std::string, std::string>> available();

  // The folder holding the running executable (from /proc/self/exe); empty if unknown.
  static std::string executableDir();
};

}  // namespace aunet::app
