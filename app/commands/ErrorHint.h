#pragma once
// What to do about a failure, where the fix is known: main() prints it after the error
// line as "aunet: hint: ...". Keyed on the reasons the layers put into core::Error
// (tests/app/ErrorHintTest.cpp triggers each real error and checks its hint).

#include <string>

namespace aunet::app {

// Empty when there is no known fix.
std::string errorHint(const std::string& message);

}  // namespace aunet::app
