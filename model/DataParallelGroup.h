#pragma once
// The processes of one data-parallel training run, as torchrun or Slurm start them:
// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (Slurm's SLURM_PROCID /
// SLURM_NTASKS / SLURM_LOCALID when those are absent). Each process samples its own
// share of every global batch; gradients (and the loss's Dice statistics) are summed
// across processes with allReduceSum, which returns the same values, bit for bit, on
// every process. The implementation is PyTorch's own c10d engine (C10dDataParallelGroup:
// Gloo between CPU processes, NCCL between GPUs).

#include <torch/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace aunet::model {

struct DataParallelEnvironment {
  int rank = 0;
  int worldSize = 1;
  int localRank = 0;
  std::string masterAddress = "127.0.0.1";
  int masterPort = 29500;
  // How long a collective may wait for the other processes before failing (a peer
  // that died is usually noticed at once: its sockets close). AUNET_DIST_TIMEOUT
  // (seconds) overrides it; rank 0's validation and checkpoints run while the others
  // wait, so it must cover those.
  std::chrono::seconds timeout{std::chrono::minutes(30)};

  // From the environment; worldSize 1 when nothing is set. Throws core::Error on
  // inconsistent values (rank outside the world, a bad port).
  static DataParallelEnvironment fromEnvironment();
};

class DataParallelGroup {
 public:
  virtual ~DataParallelGroup() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // "gloo" or "nccl": what carries the collectives.
  virtual std::string backendName() const = 0;
  // Element-wise sum over processes, in place (floating types; CPU tensors for gloo,
  // CUDA tensors for nccl).
  virtual void allReduceSum(std::vector<torch::Tensor>& tensors) = 0;
  // Starts summing one contiguous tensor in place and returns at once; the returned
  // function waits for the result (and throws core::Error when a peer failed).
  virtual std::function<void()> startAllReduceSum(torch::Tensor& flat) = 0;
  // Copies root's tensors into everyone's, in place.
  virtual void broadcast(std::vector<torch::Tensor>& tensors, int root) = 0;
  // Returns once every process has reached the barrier of this name.
  virtual void barrier(const std::string& name) = 0;

  // Joins the group the environment describes, or returns nullptr for a single
  // process: gloo for a CPU device, nccl for a CUDA one. Blocks until every process
  // has joined (timeout: core::Error).
  static std::shared_ptr<DataParallelGroup> join(const DataParallelEnvironment& environment, const torch::Device& device);
};

}  // namespace aunet::model
