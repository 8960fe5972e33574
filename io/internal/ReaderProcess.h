#pragma once
// One run of the aunet-image-reader helper (see io/ReadIsolation.h): started with
// posix_spawn (a fresh process, so nothing of this one's threads or locks is
// inherited), its answer read from a pipe, and always reaped: destroying a
// ReaderProcess that is still running kills it.

#include <sys/types.h>

#include <string>

#include "io/ReadOptions.h"
#include "io/internal/ReaderProtocol.h"

namespace aunet::io::internal {

class ReaderProcess {
 public:
  // Throws core::Error naming `path` when the helper cannot be started.
  ReaderProcess(const std::string& helperPath, ReadKind kind, const std::string& path, const ReadOptions& options);
  ~ReaderProcess();
  ReaderProcess(const ReaderProcess&) = delete;
  ReaderProcess& operator=(const ReaderProcess&) = delete;

  // The read end of the answer pipe, and the memfd the helper writes voxels into.
  int answerFd() const { return answerFd_; }
  int dataFd() const { return dataFd_; }

  // Waits for the helper to end, at most `graceSeconds` when that is not negative
  // (then it is killed); "" when it exited with status 0, else why it did not (e.g.
  // "crashed with signal 6 (Aborted)").
  std::string waitForExit(double graceSeconds = -1.0);
  // Kills the helper (SIGKILL) and reaps it.
  void kill();

 private:
  pid_t pid_ = -1;
  int answerFd_ = -1;
  int dataFd_ = -1;
};

}  // namespace aunet::io::internal
