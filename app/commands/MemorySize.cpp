#include "app/commands/MemorySize.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include "core/Error.h"

namespace aunet::app {

uint64_t parseMemorySize(const std::string& text, const std::string& option) {
  auto fail = [&](const std::string& reason) -> uint64_t {
    throw core::Error("invalid " + option + " '" + text + "': " + reason);
  };
  size_t pos = 0;
  while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  const size_t numberStart = pos;
  while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
  const std::string number = text.substr(numberStart, pos - numberStart);
  if (number.empty() || number.front() == '.' || number.find('.') != number.rfind('.'))
    return fail("expected a number with an optional unit K, M, G or T (e.g. 8G)");
  std::string unit;
  for (; pos < text.size(); ++pos)
    if (!std::isspace(static_cast<unsigned char>(text[pos])))
      unit.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[pos]))));
  double scale = 1.0;
  if (!unit.empty() && unit != "B") {
    const char prefix = unit[0];
    const std::string rest = unit.substr(1);
    if (!(rest.empty() || rest == "B" || rest == "IB")) return fail("unknown unit '" + unit + "'");
    switch (prefix) {
      case 'K': scale = 1024.0; break;
      case 'M': scale = 1024.0 * 1024; break;
      case 'G': scale = 1024.0 * 1024 * 1024; break;
      case 'T': scale = 1024.0 * 1024 * 1024 * 1024; break;
      default: return fail("unknown unit '" + unit + "'");
    }
  }
  const double bytes = std::strtod(number.c_str(), nullptr) * scale;
  if (!(bytes >= 1.0)) return fail("must be at least one byte");
  if (bytes >= 1.8e19) return fail("too large");
  return static_cast<uint64_t>(std::llround(bytes));
}

}  // namespace aunet::app
