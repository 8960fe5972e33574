// The work queue behind `aunet segment --device cuda:all`, with 2 workers on the CPU:
// every case runs exactly once, a free worker takes the next case (one slow case does
// not hold back the rest), and a failure is rethrown after both workers stopped.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/WorkQueue.h"

namespace aunet::core {
namespace {

TEST(WorkQueueTest, TwoWorkersRunEveryItemOnceAndShareTheWork) {
  std::vector<int> runs(20, 0);
  std::vector<size_t> workerOf(20, 99);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  runWorkQueue(runs.size(), 2, [&](size_t worker, size_t item) {
    // The first item is slow: the other worker must take the rest meanwhile.
    if (item == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::lock_guard<std::mutex> lock(mutex);
    ++runs[item];
    workerOf[item] = worker;
    threads.insert(std::this_thread::get_id());
  });
  for (size_t i = 0; i < runs.size(); ++i) EXPECT_EQ(runs[i], 1) << "item " << i;
  EXPECT_EQ(threads.size(), 2u);
  size_t byOther = 0;
  for (size_t w : workerOf) byOther += w != workerOf[0] ? 1 : 0;
  EXPECT_GE(byOther, 15u) << "the free worker did not take the queued items";
}

TEST(WorkQueueTest, NoMoreWorkersThanItemsAndNoneForNoItems) {
  std::set<size_t> workers;
  std::mutex mutex;
  runWorkQueue(1, 4, [&](size_t worker, size_t) {
    std::lock_guard<std::mutex> lock(mutex);
    workers.insert(worker);
  });
  EXPECT_EQ(workers, std::set<size_t>{0});
  bool ran = false;
  runWorkQueue(0, 2, [&](size_t, size_t) { ran = true; });
  EXPECT_FALSE(ran);
}

TEST(WorkQueueTest, AFailureStopsTheHandOutAndIsRethrown) {
  std::atomic<int> started{0};
  EXPECT_THROW(runWorkQueue(100, 2,
                            [&](size_t, size_t item) {
                              ++started;
                              if (item == 3) throw std::runtime_error("case 3 failed");
                              std::this_thread::sleep_for(std::chrono::milliseconds(5));
                            }),
               std::runtime_error);
  EXPECT_LT(started.load(), 100);
}

}  // namespace
}  // namespace aunet::core
