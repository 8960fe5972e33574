#include "io/TextFileWriter.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "io/ImageWriter.h"
#include "core/Error.h"
#include "core/FileCommit.h"

namespace aunet::io {

namespace fs = std::filesystem;

void writeTextFile(const std::string& path, const std::string& content) {
  std::error_code ec;
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) throw core::Error(path, "cannot create folder '" + parent.string() + "': " + ec.message());
  }
  const std::string tmp = temporaryPathFor(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw core::Error(path, std::string("cannot open for writing: ") + std::strerror(errno));
    errno = 0;
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    out.close();
    const int error = errno;
    if (!out) {
      fs::remove(tmp, ec);
      throw core::Error(path, std::string("write failed: ") + (error != 0 ? std::strerror(error) : "disk full?"));
    }
  }
  core::commitTemporaryFile(tmp, path);
}

}  // namespace aunet::io
