#include "model/GradientBucketReducer.h"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <algorithm>

#include "core/Error.h"
#include "model/DataParallelGroup.h"

namespace aunet::model {

GradientBucketReducer::GradientBucketReducer(std::vector<torch::Tensor> parameters,
                                             std::shared_ptr<DataParallelGroup> group, GradientBucketOptions options)
    : parameters_(std::move(parameters)), group_(std::move(group)), options_(options) {
  if (!group_) throw core::Error("data parallel", "a gradient reducer needs a process group");
  if (options_.wire != torch::kFloat && options_.wire != torch::kBFloat16)
    throw core::Error("data parallel", "gradients travel as float32 or bfloat16");
  // Last parameters first: backward reaches the output layers' gradients first.
  bucketOf_.assign(parameters_.size(), 0);
  int64_t bytes = 0;
  for (size_t k = parameters_.size(); k-- > 0;) {
    const torch::Tensor& p = parameters_[k];
    const int64_t size = p.numel() * static_cast<int64_t>(p.element_size());
    const int64_t cap = buckets_.size() <= 1 ? std::min(options_.firstBucketBytes, options_.bucketBytes) : options_.bucketBytes;
    if (buckets_.empty() || (bytes > 0 && bytes + size > cap)) {
      buckets_.emplace_back();
      bytes = 0;
    }
    buckets_.back().parameters.push_back(k);
    bucketOf_[k] = buckets_.size() - 1;
    bytes += size;
  }
  for (auto& b : buckets_) b.pending = b.parameters.size();
  ready_.assign(parameters_.size(), false);
  for (size_t k = 0; k < parameters_.size(); ++k) {
    // The accumulator is held weakly by the tensor: keep it alive with its hook.
    std::shared_ptr<torch::autograd::Node> accumulator = torch::autograd::impl::grad_accumulator(parameters_[k]);
    const uintptr_t key = accumulator->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
        [this, k](const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) {
          markReady(k);
          return outputs;
        }));
    hooks_.emplace_back(std::move(accumulator), key);
  }
}

GradientBucketReducer::~GradientBucketReducer() {
  for (auto& [node, key] : hooks_) node->del_post_hook(key);
  // Collectives still running use the buffers: let them end before those go.
  for (auto& b : buckets_)
    if (b.wait) try {
        b.wait();
      } catch (const std::exception&) {  // already reported by finish() or the training loop's exception
      }
}

void GradientBucketReducer::markReady(size_t parameter) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ready_[parameter]) return;
  ready_[parameter] = true;
  Bucket& bucket = buckets_[bucketOf_[parameter]];
  if (--bucket.pending > 0) return;
  while (nextToStart_ < buckets_.size() && buckets_[nextToStart_].pending == 0) {
    start(nextToStart_++);
    ++startedDuringBackward_;
  }
}

void GradientBucketReducer::start(size_t index) {
  Bucket& bucket = buckets_[index];
  std::vector<torch::Tensor> grads;
  for (size_t k : bucket.parameters) {
    const torch::Tensor& g = parameters_[k].grad();
    grads.push_back(g.defined() ? g.detach().reshape({-1}) : torch::zeros({parameters_[k].numel()}, parameters_[k].options()));
  }
  torch::NoGradGuard noGrad;
  bucket.flat = torch::cat(grads).to(options_.wire).contiguous();
  bucket.wait = group_->startAllReduceSum(bucket.flat);
}

void GradientBucketReducer::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (nextToStart_ < buckets_.size()) start(nextToStart_++);
  }
  const double world = static_cast<double>(group_->size());
  torch::NoGradGuard noGrad;
  for (auto& bucket : buckets_) {
    auto wait = std::move(bucket.wait);
    bucket.wait = nullptr;
    wait();
    const torch::Tensor mean = bucket.flat.to(parameters_[bucket.parameters[0]].scalar_type()).div_(world);
    int64_t offset = 0;
    for (size_t k : bucket.parameters) {
      torch::Tensor& p = parameters_[k];
      const torch::Tensor part = mean.narrow(0, offset, p.numel()).view(p.sizes());
      if (p.grad().defined())
        p.mutable_grad().copy_(part);
      else
        p.mutable_grad() = part.clone();
      offset += p.numel();
    }
    bucket.flat = torch::Tensor();
    bucket.pending = bucket.parameters.size();
  }
  std::fill(ready_.begin(), ready_.end(), false);
  nextToStart_ = 0;
  lastStartedDuringBackward_ = startedDuringBackward_;
  startedDuringBackward_ = 0;
}

}  // namespace aunet::model
