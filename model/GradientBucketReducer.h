#pragma once
// Data-parallel gradient averaging as PyTorch's DDP does it (c10d/reducer.cpp):
// the trainable parameters are packed, last-created first (roughly the order backward
// produces their gradients), into buckets of about 25 MB (the first one 1 MB); a hook on each parameter's
// gradient accumulator marks it ready, and once every gradient of a bucket is ready
// its all-reduce starts asynchronously while backward goes on computing earlier
// layers. finish() waits for them all and writes the averages back. Buckets start in
// index order on every process (a bucket that is complete early waits for the ones
// before it), so all processes issue the same collectives in the same order.

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace torch::autograd {
struct Node;
}

namespace aunet::model {

class DataParallelGroup;

struct GradientBucketOptions {
  int64_t bucketBytes = 25 * 1024 * 1024;  // of the parameters' own dtype (DDP's default)
  // The first bucket (the output layers, ready first) is smaller, so communication
  // starts early in backward (DDP's first_bucket_bytes_cap).
  int64_t firstBucketBytes = 1024 * 1024;
  torch::ScalarType wire = torch::kFloat;  // kFloat, or kBFloat16: half the bytes, ~3 significant digits
};

class GradientBucketReducer {
 public:
  GradientBucketReducer(std::vector<torch::Tensor> parameters, std::shared_ptr<DataParallelGroup> group,
                        GradientBucketOptions options = {});
  ~GradientBucketReducer();
  GradientBucketReducer(const GradientBucketReducer&) = delete;
  GradientBucketReducer& operator=(const GradientBucketReducer&) = delete;

  // After backward(): starts the buckets not started yet (parameters that got no
  // gradient count as zeros), waits for every all-reduce and leaves each parameter's
  // gradient the mean over processes. Ready for the next backward afterwards.
  void finish();

  size_t bucketCount() const { return buckets_.size(); }
  // Buckets whose all-reduce started from a hook during the last backward (not in finish).
  size_t bucketsStartedDuringBackward() const { return lastStartedDuringBackward_; }

 private:
  struct Bucket {
    std::vector<size_t> parameters;  // indices into parameters_
    size_t pending = 0;              // gradients not ready yet in this backward
    torch::Tensor flat;              // the wire buffer while its all-reduce runs
    std::function<void()> wait;
  };
  void markReady(size_t parameter);
  void start(size_t bucket);  // with mutex_ held

  std::vector<torch::Tensor> parameters_;
  std::shared_ptr<DataParallelGroup> group_;
  GradientBucketOptions options_;
  std::vector<Bucket> buckets_;
  std::vector<size_t> bucketOf_;  // parameter -> bucket
  std::vector<bool> ready_;       // parameter ready in this backward
  size_t nextToStart_ = 0;
  size_t startedDuringBackward_ = 0;
  size_t lastStartedDuringBackward_ = 0;
  std::vector<std::pair<std::shared_ptr<torch::autograd::Node>, uintptr_t>> hooks_;
  std::mutex mutex_;
};

}  // namespace aunet::model
