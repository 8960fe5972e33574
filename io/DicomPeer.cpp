#include "io/DicomPeer.h"

#include <cctype>

#include "core/Error.h"

namespace aunet::io {

namespace {

const char* const kExpected = "expected AET@host:port, e.g. ORTHANC@pacs.example.org:4242";

std::string aeTitleProblem(const std::string& title) {
  if (title.empty()) return "the AE title is empty";
  if (title.size() > 16) return "the AE title '" + title + "' is longer than 16 characters";
  bool onlySpaces = true;
  for (const unsigned char c : title) {
    if (c < 0x20 || c > 0x7e || c == '\\') return "the AE title '" + title + "' holds a character DICOM does not allow";
    if (c != ' ') onlySpaces = false;
  }
  if (onlySpaces) return "the AE title is only spaces";
  return {};
}

}  // namespace

std::string DicomPeer::toString() const { return aeTitle + "@" + host + ":" + std::to_string(port); }

DicomPeer DicomPeer::parse(const std::string& text, const std::string& flag) {
  auto fail = [&](const std::string& reason) {
    return core::Error(flag + " '" + text + "'", reason + " (" + kExpected + ")");
  };
  const auto at = text.find('@');
  if (at == std::string::npos) throw fail("no '@' between the AE title and the host");
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon < at) throw fail("no ':port' after the host");
  DicomPeer peer;
  peer.aeTitle = text.substr(0, at);
  peer.host = text.substr(at + 1, colon - at - 1);
  const std::string port = text.substr(colon + 1);
  if (const std::string problem = aeTitleProblem(peer.aeTitle); !problem.empty()) throw fail(problem);
  if (peer.host.empty()) throw fail("the host is empty");
  for (const unsigned char c : peer.host)
    if (!(std::isalnum(c) || c == '.' || c == '-' || c == '_')) throw fail("the host '" + peer.host + "' is not a host name or IPv4 address");
  if (port.empty() || port.size() > 5) throw fail("the port '" + port + "' is not a number from 1 to 65535");
  for (const unsigned char c : port)
    if (!std::isdigit(c)) throw fail("the port '" + port + "' is not a number from 1 to 65535");
  const long value = std::stol(port);
  if (value < 1 || value > 65535) throw fail("the port '" + port + "' is not a number from 1 to 65535");
  peer.port = static_cast<uint16_t>(value);
  return peer;
}

void checkAeTitle(const std::string& title, const std::string& flag) {
  if (const std::string problem = aeTitleProblem(title); !problem.empty())
    throw core::Error(flag + " '" + title + "'", problem + " (1 to 16 characters, e.g. AUNET)");
}

}  // namespace aunet::io
