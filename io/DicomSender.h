#pragma once
// C-STORE SCU (and C-ECHO) with DCMTK's dcmnet: sends DICOM files to a peer exactly as
// they are on disk. The presentation contexts proposed are the files' own SOP classes
// with their own transfer syntaxes (uncompressed files may also travel in the other
// uncompressed little-endian syntax, which changes the encoding, not the content).
// aunet never alters a file in transit: a file whose data set lacks a UID a PACS needs
// (SOP Class, SOP Instance, Study or Series Instance UID) is named and skipped. A refused
// association, an unreachable peer or a timeout throws core::Error naming the peer;
// local files are never touched.

#include <cstdint>
#include <string>
#include <vector>

#include "io/DicomPeer.h"

namespace aunet::io {

struct DicomSendOptions {
  std::string callingAeTitle = "AUNET";  // our own AE title
  int timeoutSeconds = 30;               // TCP connect, association and each response
};

enum class DicomSendStatus {
  Stored,   // the peer answered success or a warning
  Refused,  // the peer answered a failure status
  Skipped,  // not sent: not DICOM, UIDs missing, no accepted presentation context
  NotSent,  // not sent because the association broke off before its turn
};

struct DicomSendResult {
  std::string file;
  DicomSendStatus status = DicomSendStatus::Skipped;
  uint16_t dimseStatus = 0;  // the peer's C-STORE status (Stored, Refused)
  std::string detail;        // why, for anything but a clean success
};

struct DicomSendReport {
  std::vector<DicomSendResult> files;
  size_t count(DicomSendStatus status) const;
  bool allStored() const { return count(DicomSendStatus::Stored) == files.size(); }
};

class DicomSender {
 public:
  // Throws core::Error when options.callingAeTitle is not a valid AE title.
  DicomSender(DicomPeer peer, DicomSendOptions options);

  // Files and folders (walked recursively, files in name order). Returns one result per
  // file. Throws core::Error when no association can be made (nothing stored then).
  DicomSendReport send(const std::vector<std::string>& inputs) const;

  // C-ECHO; throws core::Error naming the peer when it fails.
  void echo() const;

  // Files under `inputs`, folders expanded recursively and sorted; a missing input
  // throws core::Error naming it.
  static std::vector<std::string> collectFiles(const std::vector<std::string>& inputs);

 private:
  DicomPeer peer_;
  DicomSendOptions options_;
};

}  // namespace aunet::io
