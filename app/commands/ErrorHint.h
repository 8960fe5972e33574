#pragma once
// What to do about a failure, where the fix is known: main() prints it after the error
// line as "aunet: hint: ...", and a batch adds it to a failed case. Chosen by the
// error's kind (core::ErrorKind), never by its wording (tests/app/ErrorHintTest.cpp
// triggers each real error and checks its hint).

#include <string>

#include "core/Error.h"

namespace aunet::app {

// Empty when there is no known fix.
std::string errorHint(core::ErrorKind kind);

}  // namespace aunet::app
