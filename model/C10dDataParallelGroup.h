#pragma once
// A DataParallelGroup on PyTorch's own distributed engine, the c10d process groups
// inside LibTorch: ProcessGroupGloo between CPU processes (ring all-reduce, every
// process sends and receives about twice the buffer whatever the process count) and
// ProcessGroupNCCL between GPUs (built into libaunet_nccl.so, loaded only when a CUDA
// device trains: see model/nccl/). Rendezvous through a c10d TCPStore that rank 0
// serves at MASTER_ADDR:MASTER_PORT, as torchrun and PyTorch's init_process_group do.

#include <memory>
#include <string>

#include "model/DataParallelGroup.h"

namespace aunet::model {

class C10dDataParallelGroup final : public DataParallelGroup {
 public:
  // backend: "gloo" or "nccl" (which needs device to be the process's CUDA device).
  C10dDataParallelGroup(const DataParallelEnvironment& environment, const std::string& backend,
                        const torch::Device& device);
  ~C10dDataParallelGroup() override;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string backendName() const override { return backend_; }
  void allReduceSum(std::vector<torch::Tensor>& tensors) override;
  std::function<void()> startAllReduceSum(torch::Tensor& flat) override;
  void broadcast(std::vector<torch::Tensor>& tensors, int root) override;
  void barrier(const std::string& name) override;

 private:
  int rank_;
  int size_;
  std::string backend_;
  std::chrono::seconds timeout_;
  struct Engine;  // c10d types stay out of this header
  std::shared_ptr<Engine> engine_;
};

}  // namespace aunet::model
