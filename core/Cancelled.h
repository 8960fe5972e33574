#pragma once
// Thrown by a long job that noticed its CancellationToken: not an error to report,
// the caller asked for it.

#include <stdexcept>

namespace aunet::core {

class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace aunet::core
