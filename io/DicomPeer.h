#pragma once
// A DICOM network node as the flags name it: "AET@host:port" (--to, --send-to). The AE
// title is what the peer expects as called AE title; host and port are where it
// listens. Parsing errors name the flag, so a user sees which option to fix.

#include <cstdint>
#include <string>

namespace aunet::io {

struct DicomPeer {
  std::string aeTitle;
  std::string host;
  uint16_t port = 0;

  // "ORTHANC@127.0.0.1:4242"
  std::string toString() const;

  // Throws core::Error "<flag> '<text>': <reason> (expected AET@host:port, ...)".
  static DicomPeer parse(const std::string& text, const std::string& flag);
};

// Throws core::Error naming `flag` unless `title` is a valid AE title: 1 to 16
// characters, printable ASCII, no backslash, not only spaces.
void checkAeTitle(const std::string& title, const std::string& flag);

}  // namespace aunet::io
