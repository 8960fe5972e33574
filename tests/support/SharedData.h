#pragma once
// Tests that read ../shared/data: where it is missing they skip with a message on a
// developer's clone, and fail in CI (CI=true), which always has the folder, so a
// broken path can never pass as a skip there.

#include <gtest/gtest.h>

#include <cstdlib>

#define AUNET_SHARED_MISSING(message)                                                                 \
  do {                                                                                                \
    if (std::getenv("CI")) {                                                                          \
      FAIL() << message << " (CI always has ../shared/data: missing there is a failure, not a skip)"; \
    }                                                                                                 \
    GTEST_SKIP() << message;                                                                          \
  } while (0)
