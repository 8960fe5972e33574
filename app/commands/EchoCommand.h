#pragma once
// `aunet echo --to AET@host:port [--ae-title AUNET]`: a DICOM C-ECHO, the "ping" that
// checks the AE titles, host and port before anything is sent.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace aunet::app {

struct EchoOptions {
  std::string to;
  std::string aeTitle = "AUNET";
  int timeoutSeconds = 30;
};

void setupEchoCommand(CLI::App& parent, EchoOptions& options);
// 0 when the peer answered; a failure throws core::Error naming the peer.
int runEchoCommand(const EchoOptions& options, std::ostream& out);

}  // namespace aunet::app
