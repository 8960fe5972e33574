#include "core/WorkQueue.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace aunet::core {

void runWorkQueue(size_t items, size_t workers, const std::function<void(size_t worker, size_t item)>& work) {
  workers = std::max<size_t>(1, std::min(workers, std::max<size_t>(1, items)));
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr first;
  std::mutex mutex;
  auto loop = [&](size_t worker) {
    while (!stop.load()) {
      const size_t item = next.fetch_add(1);
      if (item >= items) return;
      try {
        work(worker, item);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!first) first = std::current_exception();
        stop = true;
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(loop, w);
  loop(0);
  for (auto& t : threads) t.join();
  if (first) std::rethrow_exception(first);
}

}  // namespace aunet::core
