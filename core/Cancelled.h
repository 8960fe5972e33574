#pragma once
// Thrown by a long job that noticed its CancellationToken: not an error to report,
// the caller asked for it. Deliberately not a std::runtime_error (nor a core::Error),
// so no error handler reports it as a failure by accident.

#include <exception>

namespace aunet::core {

class Cancelled final : public std::exception {
 public:
  const char* what() const noexcept override { return "cancelled"; }
};

}  // namespace aunet::core
