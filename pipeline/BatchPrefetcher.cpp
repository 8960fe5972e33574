#include "pipeline/BatchPrefetcher.h"

#include <torch/csrc/api/include/torch/utils.h>

#include <stdexcept>

namespace aunet::pipeline {

BatchPrefetcher::BatchPrefetcher(Producer produce, int64_t count, size_t depth)
    : produce_(std::move(produce)), count_(count), depth_(std::max<size_t>(1, depth)) {
  worker_ = std::thread([this] { work(); });
}

BatchPrefetcher::~BatchPrefetcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

void BatchPrefetcher::work() {
  torch::NoGradGuard noGrad;  // grad mode is per thread; batches never need a graph
  try {
    for (int64_t i = 0; i < count_; ++i) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || ready_.size() < depth_; });
        if (stop_) break;
      }
      TrainingBatch batch = produce_(i);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ready_.push_back(std::move(batch));
      }
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

TrainingBatch BatchPrefetcher::next() {
  const auto started = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return !ready_.empty() || finished_; });
  waitSeconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (ready_.empty()) {
    if (error_) std::rethrow_exception(error_);
    throw std::logic_error("BatchPrefetcher::next: no batch left");
  }
  TrainingBatch batch = std::move(ready_.front());
  ready_.pop_front();
  lock.unlock();
  changed_.notify_all();
  return batch;
}

}  // namespace aunet::pipeline
