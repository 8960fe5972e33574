#include "app/commands/EchoCommand.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <csignal>
#include <ostream>

#include "io/DicomPeer.h"
#include "io/DicomSender.h"

namespace aunet::app {

void setupEchoCommand(CLI::App& parent, EchoOptions& options) {
  auto* cmd = parent.add_subcommand("echo", "Check a DICOM connection (C-ECHO) before sending");
  cmd->footer(
      "Examples:\n"
      "  aunet echo --to ORTHANC@pacs.example.org:4242\n"
      "  aunet echo --to AUNET@localhost:11112 --ae-title WORKSTATION   # an `aunet serve` node");
  cmd->add_option("--to", options.to, "Peer as AET@host:port")->required();
  cmd->add_option("--ae-title", options.aeTitle, "Our own (calling) AE title")->capture_default_str();
  cmd->add_option("--timeout", options.timeoutSeconds, "Seconds to wait for the connection and the answer")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
}

int runEchoCommand(const EchoOptions& options, std::ostream& out) {
  const io::DicomPeer peer = io::DicomPeer::parse(options.to, "--to");
  ::signal(SIGPIPE, SIG_IGN);  // a peer hanging up is an error for that association, not the end of aunet
  io::DicomSendOptions sendOptions;
  sendOptions.callingAeTitle = options.aeTitle;
  sendOptions.timeoutSeconds = options.timeoutSeconds;
  const auto start = std::chrono::steady_clock::now();
  io::DicomSender(peer, sendOptions).echo();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  out << "C-ECHO " << peer.toString() << ": answered in " << ms << " ms\n";
  return 0;
}

}  // namespace aunet::app
