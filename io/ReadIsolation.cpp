#include "io/ReadIsolation.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace aunet::io {

namespace {
ReadIsolation& policy() {
  static ReadIsolation isolation;
  return isolation;
}
}  // namespace

void setReadIsolation(const ReadIsolation& isolation) { policy() = isolation; }

const ReadIsolation& readIsolation() { return policy(); }

std::string defaultReaderHelper() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* configured = std::getenv("AUNET_IMAGE_READER"); configured && *configured)
    return fs::is_regular_file(configured, ec) ? std::string(configured) : std::string();
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const fs::path helper = self.parent_path() / "aunet-image-reader";
  return fs::is_regular_file(helper, ec) ? helper.string() : std::string();
}

}  // namespace aunet::io
