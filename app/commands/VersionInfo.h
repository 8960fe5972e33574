#pragma once
// The text `aunet --version` prints: our version and what it was built against.

#include <string>

namespace aunet::app {

std::string versionText();

}  // namespace aunet::app
