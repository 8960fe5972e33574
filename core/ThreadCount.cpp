#include "core/ThreadCount.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace aunet::core {

namespace {
std::atomic<int> requested{0};
}

void setThreadCount(int threads) { requested.store(std::max(0, threads)); }

int threadCount() {
  const int n = requested.load();
  return n > 0 ? n : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace aunet::core
