#include "core/FileCommit.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/Error.h"

namespace aunet::core {

namespace {

// fsync(path); returns 0 or the errno.
int syncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  if (fd < 0) return errno;
  int error = 0;
  if (::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  return error;
}

}  // namespace

void commitTemporaryFile(const std::string& temporaryPath, const std::string& finalPath) {
  if (const int error = syncPath(temporaryPath, false); error != 0) {
    std::remove(temporaryPath.c_str());
    throw Error(finalPath, std::string("cannot write: ") + std::strerror(error));
  }
  if (std::rename(temporaryPath.c_str(), finalPath.c_str()) != 0) {
    const int error = errno;
    std::remove(temporaryPath.c_str());
    throw Error(finalPath, std::string("cannot rename the temporary file onto this name: ") + std::strerror(error));
  }
  // The rename itself becomes durable with the folder; some file systems cannot
  // fsync a folder (EINVAL), which is no reason to fail a write that is complete.
  const std::filesystem::path parent = std::filesystem::path(finalPath).parent_path();
  syncPath(parent.empty() ? std::string(".") : parent.string(), true);
}

}  // namespace aunet::core
