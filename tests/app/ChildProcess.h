#pragma once
// Runs the `aunet` executable (or any program) as a child process for tests that must
// see what a user sees: exit codes, stderr lines, and what is left on disk after a
// SIGKILL. fork + execv, stdout and stderr into files, optional resource limits set
// in the child before exec. POSIX only.

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace aunet::test {

// build/bin/aunet of this build tree.
inline std::string aunetExecutable() {
#ifdef AUNET_BINARY_DIR
  return std::string(AUNET_BINARY_DIR) + "/bin/aunet";
#else
  return "aunet";
#endif
}

struct ChildLimits {
  std::optional<rlim_t> dataBytes;  // RLIMIT_DATA: malloc fails beyond it (out of memory)
  std::optional<rlim_t> fileBytes;  // RLIMIT_FSIZE: writes beyond it fail with EFBIG (SIGXFSZ ignored)
};

class ChildProcess {
 public:
  // Starts `program args...`; stdout and stderr go to `logStem`.out / .err.
  ChildProcess(const std::string& program, const std::vector<std::string>& args, const std::string& logStem,
               const ChildLimits& limits = {})
      : outPath_(logStem + ".out"), errPath_(logStem + ".err"), start_(std::chrono::steady_clock::now()) {
    std::vector<std::string> argv{program};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {  // child: only async-signal-safe calls until exec
      const int out = ::open(outPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = ::open(errPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out >= 0) ::dup2(out, 1);
      if (err >= 0) ::dup2(err, 2);
      const int null = ::open("/dev/null", O_RDONLY);
      if (null >= 0) ::dup2(null, 0);
      ::setpgid(0, 0);
      if (limits.dataBytes) {
        const rlimit r{*limits.dataBytes, *limits.dataBytes};
        ::setrlimit(RLIMIT_DATA, &r);
      }
      if (limits.fileBytes) {
        ::signal(SIGXFSZ, SIG_IGN);
        const rlimit r{*limits.fileBytes, *limits.fileBytes};
        ::setrlimit(RLIMIT_FSIZE, &r);
      }
      ::execv(cargv[0], cargv.data());
      ::_exit(127);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      int s = 0;
      ::waitpid(pid_, &s, 0);
    }
  }

  // Waits until the child ends or `timeout` passes (then kills it). Returns the wait status.
  int wait(std::chrono::milliseconds timeout = std::chrono::minutes(5)) {
    if (status_) return *status_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int s = 0;
    while (true) {
      const pid_t r = ::waitpid(pid_, &s, WNOHANG);
      if (r == pid_) break;
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &s, 0);
        timedOut_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    status_ = s;
    return s;
  }

  // Sleeps until `after` has passed since the start; then SIGKILL unless the child
  // already ended. Returns true when the kill hit a running process.
  bool killAfter(std::chrono::milliseconds after) {
    const auto deadline = start_ + after;
    int s = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &s, WNOHANG) == pid_) {
        status_ = s;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &s, 0);
    status_ = s;
    return WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL;
  }

  // Sends `signal` (SIGTERM, SIGINT) unless the child already ended.
  void sendSignal(int signal) {
    if (pid_ > 0 && !status_) ::kill(pid_, signal);
  }

  bool timedOut() const { return timedOut_; }
  // Exit code, or -1 when it ended by a signal (or has not ended).
  int exitCode() const { return status_ && WIFEXITED(*status_) ? WEXITSTATUS(*status_) : -1; }
  bool crashed() const { return status_ && WIFSIGNALED(*status_) && WTERMSIG(*status_) != SIGKILL; }
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  std::string out() const { return readAll(outPath_); }
  std::string err() const { return readAll(errPath_); }

 private:
  static std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string outPath_, errPath_;
  std::chrono::steady_clock::time_point start_;
  pid_t pid_ = -1;
  std::optional<int> status_;
  bool timedOut_ = false;
};

}  // namespace aunet::test
