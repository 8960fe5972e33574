#pragma once
// Progress reporting and cooperative cancellation for long jobs (segmentation,
// training), shared by the CLI's progress bar and the viewer's worker thread.

#include <atomic>
#include <functional>
#include <string>

namespace aunet::core {

// fraction in [0, 1] of the whole job; stage names the current step ("inference").
using ProgressCallback = std::function<void(double fraction, const std::string& stage)>;

// Set from any thread; long loops check it and throw core::Cancelled.
class CancellationToken {
 public:
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  void reset() { cancelled_.store(false, std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
};

}  // namespace aunet::core
