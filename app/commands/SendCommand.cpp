#include "app/commands/SendCommand.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <ostream>

#include "core/Error.h"
#include "io/DicomPeer.h"
#include "io/DicomSender.h"

namespace aunet::app {

namespace {

const char* statusWord(io::DicomSendStatus status) {
  switch (status) {
    case io::DicomSendStatus::Stored: return "stored";
    case io::DicomSendStatus::Refused: return "refused";
    case io::DicomSendStatus::Skipped: return "skipped";
    case io::DicomSendStatus::NotSent: return "not sent";
  }
  return "?";
}

}  // namespace

void setupSendCommand(CLI::App& parent, SendOptions& options) {
  auto* cmd = parent.add_subcommand("send", "Send DICOM files to a PACS or DICOM node (C-STORE), unaltered");
  cmd->footer(
      "Examples:\n"
      "  aunet send --to ORTHANC@pacs.example.org:4242 study/          # every file under study/\n"
      "  aunet send --to PACS@10.0.0.5:104 --ae-title AUNET out/case.seg.dcm\n"
      "Files whose data set lacks the SOP Class/Instance, Study or Series Instance UID are named and\n"
      "skipped (aunet does not alter files in transit). Test a connection first with `aunet echo`.");
  cmd->add_option("--to", options.to, "Destination as AET@host:port (the peer's AE title, host, port)")->required();
  cmd->add_option("--ae-title", options.aeTitle, "Our own (calling) AE title")->capture_default_str();
  cmd->add_option("--timeout", options.timeoutSeconds, "Seconds to wait for the connection and each answer")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  cmd->add_option("inputs", options.inputs, "DICOM files or folders (walked recursively)")->required()->expected(1, -1);
}

int runSendCommand(const SendOptions& options, std::ostream& out) {
  const io::DicomPeer peer = io::DicomPeer::parse(options.to, "--to");
  ::signal(SIGPIPE, SIG_IGN);  // a peer hanging up is an error for that association, not the end of aunet
  io::DicomSendOptions sendOptions;
  sendOptions.callingAeTitle = options.aeTitle;
  sendOptions.timeoutSeconds = options.timeoutSeconds;
  const io::DicomSender sender(peer, sendOptions);
  if (io::DicomSender::collectFiles(options.inputs).empty())
    throw core::Error(core::ErrorKind::NoInputImages, options.inputs.front(), "no files to send");
  const io::DicomSendReport report = sender.send(options.inputs);
  for (const auto& f : report.files)
    if (f.status != io::DicomSendStatus::Stored) out << statusWord(f.status) << " " << f.file << ": " << f.detail << "\n";
  for (const auto& f : report.files)
    if (f.status == io::DicomSendStatus::Stored && !f.detail.empty()) out << "stored " << f.file << ": " << f.detail << "\n";
  out << "Sent to " << peer.toString() << ": " << report.count(io::DicomSendStatus::Stored) << " of "
      << report.files.size() << " file(s) stored, " << report.count(io::DicomSendStatus::Skipped) << " skipped, "
      << report.count(io::DicomSendStatus::Refused) << " refused, " << report.count(io::DicomSendStatus::NotSent)
      << " not sent\n";
  return report.allStored() ? 0 : 1;
}

}  // namespace aunet::app
