#pragma once
// A real PACS for networking tests: Debian's Orthanc started on free ports with a
// temporary configuration and storage folder (it is up in a second or two), REST calls
// over a plain HTTP/1.0 socket (no curl needed), stopped with SIGTERM at the end.
//
//   test::OrthancServer pacs(scratch, {{"aunet", "AUNET", "127.0.0.1", port}});
//   aunet send --to pacs.peer() ...;  pacs.getJson("/instances").size()
//
// Where Orthanc is not installed, AUNET_ORTHANC_MISSING skips (fails under CI=true,
// which always has it: scripts/setup.sh installs it).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#define AUNET_ORTHANC_MISSING()                                                                      \
  do {                                                                                               \
    if (std::getenv("CI")) FAIL() << "Orthanc (" << aunet::test::OrthancServer::executable()        \
                                  << ") is not installed; CI must have it (scripts/setup.sh)";      \
    GTEST_SKIP() << "Orthanc is not installed (apt-get install orthanc, or scripts/setup.sh)";       \
  } while (0)

namespace aunet::test {

struct HttpResponse {
  int status = 0;
  std::string body;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
inline int freeTcpPort() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) throw std::runtime_error("no free port");
  socklen_t len = sizeof(a);
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

// One request over HTTP/1.0 (the server closes the connection after its answer).
inline HttpResponse httpRequest(int port, const std::string& method, const std::string& path,
                                const std::string& body = {}) {
  HttpResponse r;
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return r;
  timeval tv{60, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    ::close(s);
    return r;
  }
  std::ostringstream req;
  req << method << " " << path << " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: " << body.size()
      << "\r\nConnection: close\r\n\r\n"
      << body;
  const std::string text = req.str();
  for (size_t sent = 0; sent < text.size();) {
    const ssize_t n = ::send(s, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string response;
  char buffer[65536];
  for (ssize_t n; (n = ::recv(s, buffer, sizeof(buffer), 0)) > 0;) response.append(buffer, static_cast<size_t>(n));
  ::close(s);
  if (response.compare(0, 5, "HTTP/") != 0) return r;
  r.status = std::atoi(response.c_str() + response.find(' ') + 1);
  const auto headerEnd = response.find("\r\n\r\n");
  if (headerEnd != std::string::npos) r.body = response.substr(headerEnd + 4);
  return r;
}

class OrthancServer {
 public:
  struct Modality {
    std::string name, aeTitle, host;
    int port = 0;
  };

  static std::string executable() { return "/usr/sbin/Orthanc"; }
  static bool available() { return ::access(executable().c_str(), X_OK) == 0; }

  // Starts Orthanc with its files under `workDir` (created); throws std::runtime_error
  // with its log when its REST API does not answer within 30 s.
  explicit OrthancServer(const std::string& workDir, const std::vector<Modality>& modalities = {})
      : dir_(workDir), httpPort_(freeTcpPort()), dicomPort_(freeTcpPort()) {
    namespace fs = std::filesystem;
    fs::create_directories(dir_ / "storage");
    nlohmann::json config{{"Name", "aunet-test"},
                          {"HttpPort", httpPort_},
                          {"DicomPort", dicomPort_},
                          {"DicomAet", aeTitle()},
                          {"StorageDirectory", (dir_ / "storage").string()},
                          {"IndexDirectory", (dir_ / "storage").string()},
                          {"RemoteAccessAllowed", true},
                          {"AuthenticationEnabled", false},
                          {"DicomCheckCalledAet", true},  // a wrong called AE title is refused
                          {"DicomAssociationCloseDelay", 0},
                          {"DicomScuTimeout", 30},
                          {"HttpServerEnabled", true},
                          {"Plugins", nlohmann::json::array()},
                          {"DicomModalities", nlohmann::json::object()}};
    for (const auto& m : modalities) config["DicomModalities"][m.name] = {m.aeTitle, m.host, m.port};
    std::ofstream(dir_ / "orthanc.json") << config.dump(2);
    const std::string log = (dir_ / "orthanc.log").string();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const std::string cfg = (dir_ / "orthanc.json").string();
      std::freopen(log.c_str(), "w", stdout);
      std::freopen(log.c_str(), "a", stderr);
      ::execl(executable().c_str(), executable().c_str(), cfg.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (get("/system").status != 200) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_ || std::chrono::steady_clock::now() > deadline) {
        pid_ = -1;
        std::ifstream in(log);
        std::stringstream s;
        s << in.rdbuf();
        throw std::runtime_error("Orthanc did not start:\n" + s.str());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ~OrthancServer() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  OrthancServer(const OrthancServer&) = delete;
  OrthancServer& operator=(const OrthancServer&) = delete;

  std::string aeTitle() const { return "ORTHANC"; }
  int dicomPort() const { return dicomPort_; }
  int httpPort() const { return httpPort_; }
  std::string peer() const { return aeTitle() + "@127.0.0.1:" + std::to_string(dicomPort_); }
  std::string logText() const {
    std::ifstream in(dir_ / "orthanc.log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  HttpResponse get(const std::string& path) const { return httpRequest(httpPort_, "GET", path); }
  HttpResponse post(const std::string& path, const std::string& body) const {
    return httpRequest(httpPort_, "POST", path, body);
  }
  // GET that must answer 200 with JSON; throws std::runtime_error otherwise.
  nlohmann::json getJson(const std::string& path) const {
    const HttpResponse r = get(path);
    if (r.status != 200) throw std::runtime_error("GET " + path + ": HTTP " + std::to_string(r.status) + " " + r.body);
    return nlohmann::json::parse(r.body);
  }

 private:
  std::filesystem::path dir_;
  int httpPort_, dicomPort_;
  pid_t pid_ = -1;
};

}  // namespace aunet::test
