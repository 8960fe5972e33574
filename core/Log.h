#pragma once
// Logging for every layer, behind plain std::string functions. The implementation
// uses spdlog, but Torch's headers ship their own (newer) fmt that clashes with the
// fmt Debian's spdlog is built against, so no header that Torch code includes may
// include spdlog: callers build their message with streams and hand it over here.

#include <string>

namespace aunet::core::log {

enum class Level { Debug, Info, Warning, Error, Off };

void setLevel(Level level);
Level level();
void debug(const std::string& message);
void info(const std::string& message);
void warning(const std::string& message);
void error(const std::string& message);

}  // namespace aunet::core::log
