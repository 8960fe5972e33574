#pragma once
// A DataParallelGroup over c10d's TCPStore, LibTorch's own rendezvous store (rank 0
// serves it at MASTER_ADDR:MASTER_PORT). The PyPI LibTorch ships c10d's Gloo process
// group without Gloo's headers, so it cannot be constructed from C++; the store
// carries the collectives instead: each process publishes its flattened tensors,
// every process adds all contributions in rank order (identical results
// everywhere), and the last reader deletes the keys. Traffic per all-reduce is
// (processes - 1) x the gradient size per process: fine for the few processes of
// one node or a handful of nodes; NCCL would be the choice for many GPUs.

#include <cstdint>
#include <memory>
#include <string>

#include "model/DataParallelGroup.h"

namespace aunet::model {

class StoreDataParallelGroup final : public DataParallelGroup {
 public:
  explicit StoreDataParallelGroup(const DataParallelEnvironment& environment);
  ~StoreDataParallelGroup() override;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backendName() const override { return "store"; }
  void allReduceSum(std::vector<torch::Tensor>& tensors) override;
  std::function<void()> startAllReduceSum(torch::Tensor& flat) override {
    std::vector<torch::Tensor> t{flat};
    allReduceSum(t);
    return [] {};
  }
  void broadcast(std::vector<torch::Tensor>& tensors, int root) override;
  void barrier(const std::string& name) override;

 private:
  std::string nextKey(const std::string& what);

  int rank_;
  int size_;
  uint64_t sequence_ = 0;
  struct StoreHandle;
  std::unique_ptr<StoreHandle> store_;
};

}  // namespace aunet::model
