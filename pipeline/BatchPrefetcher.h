#pragma once
// Runs a batch producer on a background thread, a few batches ahead of the training
// loop, so patch sampling and augmentation overlap with the forward and backward
// passes. Batches come out in index order whatever the timing, so runs stay
// deterministic. The time the loop spends waiting in next() is counted: it is the
// share of a step lost to data loading.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "pipeline/PatchSampler.h"

namespace aunet::pipeline {

class BatchPrefetcher {
 public:
  using Producer = std::function<TrainingBatch(int64_t index)>;

  // Produces batches 0 .. count-1, at most `depth` ahead of the consumer.
  BatchPrefetcher(Producer produce, int64_t count, size_t depth = 2);
  ~BatchPrefetcher();
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  // The next batch; rethrows what the producer threw.
  TrainingBatch next();
  double waitSeconds() const { return waitSeconds_; }

 private:
  void work();

  Producer produce_;
  int64_t count_;
  size_t depth_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<TrainingBatch> ready_;
  std::exception_ptr error_;
  bool stop_ = false;
  bool finished_ = false;
  double waitSeconds_ = 0.0;
  std::thread worker_;
};

}  // namespace aunet::pipeline
