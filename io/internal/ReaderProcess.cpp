#include "io/internal/ReaderProcess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <cstring>
#include <vector>

#include "core/Error.h"

extern char** environ;

namespace aunet::io::internal {

namespace {
// The helper writes its answer and its voxels to these descriptors (arguments 2 and 3
// tell it so).
constexpr int kAnswerFdInHelper = 3;
constexpr int kDataFdInHelper = 4;
}  // namespace

ReaderProcess::ReaderProcess(const std::string& helperPath, ReadKind kind, const std::string& path,
                             const ReadOptions& options) {
  int fds[2];
  // O_CLOEXEC: helpers started concurrently by other threads must not inherit this
  // pipe, or its reader would never see the end of the answer.
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw core::Error(path, std::string("cannot start the image reader: pipe: ") + std::strerror(errno));
  dataFd_ = ::memfd_create("aunet-image-reader", MFD_CLOEXEC);
  if (dataFd_ < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw core::Error(path, std::string("cannot start the image reader: memfd: ") + std::strerror(error));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], kAnswerFdInHelper);  // dup2 clears O_CLOEXEC
  posix_spawn_file_actions_adddup2(&actions, dataFd_, kDataFdInHelper);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  // Decoders print to stdout at times; stdout belongs to the parent's report.
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);

  const std::string kindText = toString(kind);
  const std::string fdText = std::to_string(kAnswerFdInHelper);
  const std::string dataFdText = std::to_string(kDataFdInHelper);
  const std::string optionsText = toJson(options).dump();
  std::vector<char*> argv{const_cast<char*>(helperPath.c_str()), const_cast<char*>(kindText.c_str()),
                          const_cast<char*>(fdText.c_str()), const_cast<char*>(dataFdText.c_str()),
                          const_cast<char*>(optionsText.c_str()),
                          const_cast<char*>(path.c_str()), nullptr};
  const int rc = ::posix_spawn(&pid_, helperPath.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    ::close(dataFd_);
    dataFd_ = -1;
    pid_ = -1;
    throw core::Error(path, "cannot start the image reader " + helperPath + ": " + std::strerror(rc));
  }
  answerFd_ = fds[0];
}

ReaderProcess::~ReaderProcess() {
  if (pid_ > 0) kill();
  if (answerFd_ >= 0) ::close(answerFd_);
  if (dataFd_ >= 0) ::close(dataFd_);
}

std::string ReaderProcess::waitForExit(double graceSeconds) {
  if (pid_ <= 0) return {};
  int status = 0;
  pid_t r = 0;
  if (graceSeconds >= 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(graceSeconds);
    while ((r = ::waitpid(pid_, &status, WNOHANG)) == 0 || (r < 0 && errno == EINTR)) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  if (r <= 0)
    do {
      r = ::waitpid(pid_, &status, 0);
    } while (r < 0 && errno == EINTR);
  pid_ = -1;
  if (r < 0) return std::string("could not be waited for: ") + std::strerror(errno);
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "crashed with signal " + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  return {};
}

void ReaderProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitForExit();
}

}  // namespace aunet::io::internal
