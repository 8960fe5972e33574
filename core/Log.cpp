#include "core/Log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace aunet::core::log {

namespace {

std::shared_ptr<spdlog::logger>& logger() {
  // Logs go to stderr so stdout stays clean for results (e.g. `aunet info --json`).
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = spdlog::stderr_color_mt("aunet");
    l->set_pattern("[%H:%M:%S] %^%l%$: %v");
    l->set_level(spdlog::level::info);
    return l;
  }();
  return instance;
}

Level current = Level::Info;

}  // namespace

void setLevel(Level level) {
  current = level;
  static const spdlog::level::level_enum kMap[] = {spdlog::level::debug, spdlog::level::info, spdlog::level::warn,
                                                   spdlog::level::err, spdlog::level::off};
  logger()->set_level(kMap[static_cast<int>(level)]);
}

Level level() { return current; }
void debug(const std::string& message) { logger()->debug(message); }
void info(const std::string& message) { logger()->info(message); }
void warning(const std::string& message) { logger()->warn(message); }
void error(const std::string& message) { logger()->error(message); }

}  // namespace aunet::core::log
