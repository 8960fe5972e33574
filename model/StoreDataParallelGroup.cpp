#include "model/StoreDataParallelGroup.h"

#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <cstring>

#include "core/Error.h"

namespace aunet::model {

namespace {

// Long enough for rank 0's validation and checkpoint writing between steps.
constexpr std::chrono::minutes kTimeout{60};

torch::Tensor flatten(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> parts;
  for (const auto& t : tensors) parts.push_back(t.detach().to(torch::kCPU, torch::kDouble).reshape({-1}));
  return torch::cat(parts).contiguous();
}

void unflatten(const torch::Tensor& flat, std::vector<torch::Tensor>& tensors) {
  int64_t offset = 0;
  torch::NoGradGuard noGrad;
  for (auto& t : tensors) {
    const int64_t n = t.numel();
    t.copy_(flat.narrow(0, offset, n).view(t.sizes()).to(t.device(), t.scalar_type()));
    offset += n;
  }
}

std::vector<uint8_t> toBytes(const torch::Tensor& flat) {
  std::vector<uint8_t> bytes(static_cast<size_t>(flat.numel()) * sizeof(double));
  std::memcpy(bytes.data(), flat.data_ptr<double>(), bytes.size());
  return bytes;
}

torch::Tensor fromBytes(const std::vector<uint8_t>& bytes, int64_t expected, const std::string& key) {
  if (bytes.size() != static_cast<size_t>(expected) * sizeof(double))
    throw core::Error("data parallel", "process group out of step at " + key + " (sizes differ between processes)");
  torch::Tensor t = torch::empty({expected}, torch::kDouble);
  std::memcpy(t.data_ptr<double>(), bytes.data(), bytes.size());
  return t;
}

}  // namespace

struct StoreDataParallelGroup::StoreHandle {
  c10::intrusive_ptr<c10d::Store> store;
};

StoreDataParallelGroup::StoreDataParallelGroup(const DataParallelEnvironment& env)
    : rank_(env.rank), size_(env.worldSize), store_(std::make_unique<StoreHandle>()) {
  c10d::TCPStoreOptions options;
  options.port = static_cast<uint16_t>(env.masterPort);
  options.isServer = env.rank == 0;
  options.numWorkers = static_cast<size_t>(env.worldSize);
  options.waitWorkers = true;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(kTimeout);
  try {
    store_->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddress, options);
  } catch (const std::exception& e) {
    throw core::Error(env.masterAddress + ":" + std::to_string(env.masterPort),
                      std::string("cannot join the data-parallel group: ") + e.what());
  }
  barrier("joined");
}

StoreDataParallelGroup::~StoreDataParallelGroup() = default;

std::string StoreDataParallelGroup::nextKey(const std::string& what) {
  return "aunet/" + what + "/" + std::to_string(sequence_++);
}

void StoreDataParallelGroup::allReduceSum(std::vector<torch::Tensor>& tensors) {
  const std::string key = nextKey("allreduce");
  const torch::Tensor local = flatten(tensors);
  auto& store = *store_->store;
  store.set(key + "/" + std::to_string(rank_), toBytes(local));
  // Every process adds the contributions in the same order: identical sums.
  torch::Tensor sum = torch::zeros_like(local);
  for (int r = 0; r < size_; ++r)
    sum += r == rank_ ? local : fromBytes(store.get(key + "/" + std::to_string(r)), local.numel(), key);
  if (store.add(key + "/read", 1) == size_) {  // the last reader cleans up: the store does not grow
    for (int r = 0; r < size_; ++r) store.deleteKey(key + "/" + std::to_string(r));
    store.deleteKey(key + "/read");
  }
  unflatten(sum, tensors);
}

void StoreDataParallelGroup::broadcast(std::vector<torch::Tensor>& tensors, int root) {
  const std::string key = nextKey("broadcast");
  auto& store = *store_->store;
  if (rank_ == root) {
    store.set(key, toBytes(flatten(tensors)));
  } else {
    const torch::Tensor local = flatten(tensors);
    unflatten(fromBytes(store.get(key), local.numel(), key), tensors);
  }
  if (store.add(key + "/read", 1) == size_) {
    store.deleteKey(key);
    store.deleteKey(key + "/read");
  }
}

void StoreDataParallelGroup::barrier(const std::string& name) {
  const std::string key = nextKey("barrier/" + name);
  auto& store = *store_->store;
  if (store.add(key, 1) == size_) store.set(key + "/open", std::vector<uint8_t>{1});
  store.wait({key + "/open"});
}

}  // namespace aunet::model
