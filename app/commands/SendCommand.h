#pragma once
// `aunet send --to AET@host:port [--ae-title AUNET] FILE_OR_FOLDER...`: C-STORE DICOM
// files to a PACS or any storage node, as they are on disk (io/DicomSender.h). One line
// per file that was not stored (skipped, refused, not sent) and a summary line; exit 1
// when any file was not stored. A refused association or an unreachable peer is one
// error line (core::Error) and nothing is changed locally.

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace aunet::app {

struct SendOptions {
  std::string to;                 // "AET@host:port"
  std::string aeTitle = "AUNET";  // our own AE title
  std::vector<std::string> inputs;
  int timeoutSeconds = 30;
};

void setupSendCommand(CLI::App& parent, SendOptions& options);
int runSendCommand(const SendOptions& options, std::ostream& out);

}  // namespace aunet::app
