#pragma once
// The one exception type every layer throws for user-facing failures. Its message is
// a single line that names the file (when there is one) and the reason; the CLI and
// the GUI print it as it is.

#include <stdexcept>
#include <string>

namespace aunet::core {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  // "<path>: <reason>"
  Error(const std::string& path, const std::string& reason) : std::runtime_error(path + ": " + reason) {}
};

}  // namespace aunet::core
