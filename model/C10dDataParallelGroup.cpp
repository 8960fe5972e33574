#include "model/C10dDataParallelGroup.h"

#include <dlfcn.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "core/Error.h"
#include "model/nccl/NcclBackendPlugin.h"

namespace aunet::model {

namespace {

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// GLOO_SOCKET_IFNAME (comma-separated interfaces) as PyTorch reads it; otherwise the
// address this machine's hostname resolves to (loopback when it resolves to none).
std::vector<std::shared_ptr<::gloo::transport::Device>> glooDevices() {
  std::vector<std::shared_ptr<::gloo::transport::Device>> devices;
  if (const char* names = std::getenv("GLOO_SOCKET_IFNAME"); names && *names) {
    std::stringstream list(names);
    for (std::string name; std::getline(list, name, ',');)
      if (!name.empty()) devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
  }
  if (devices.empty()) devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  return devices;
}

// libaunet_nccl.so beside the executable (build tree) or in ../lib (installed).
AunetCreateNcclBackend loadNcclPlugin() {
  std::vector<std::filesystem::path> candidates;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / "libaunet_nccl.so");
    candidates.push_back(exe.parent_path().parent_path() / "lib" / "libaunet_nccl.so");
  }
  candidates.emplace_back("libaunet_nccl.so");
  std::string tried;
  for (const auto& path : candidates) {
    if (path.has_parent_path() && !std::filesystem::exists(path)) {
      tried += " " + path.string();
      continue;
    }
    if (void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL))
      if (void* symbol = dlsym(handle, "aunet_create_nccl_backend")) return reinterpret_cast<AunetCreateNcclBackend>(symbol);
    const char* e = dlerror();
    tried += " " + path.string() + " (" + (e ? e : "no entry point") + ")";
  }
  throw core::Error("data parallel", "the NCCL backend is not available in this build (libaunet_nccl.so, built where "
                                     "the NCCL headers were found at configure time); looked for:" + tried);
}

}  // namespace

struct C10dDataParallelGroup::Engine {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::Backend> backend;
};

C10dDataParallelGroup::C10dDataParallelGroup(const DataParallelEnvironment& env, const std::string& backend,
                                             const torch::Device& device)
    : rank_(env.rank), size_(env.worldSize), backend_(backend), timeout_(env.timeout), engine_(std::make_shared<Engine>()) {
  if (backend != "gloo" && backend != "nccl")
    throw core::Error("data parallel", "unknown backend '" + backend + "' (gloo or nccl)");
  if (backend == "nccl" && !device.is_cuda()) throw core::Error("data parallel", "the nccl backend needs a CUDA device");
  const std::string where = env.masterAddress + ":" + std::to_string(env.masterPort);
  // torchrun's agent may already serve the store at MASTER_PORT and say so
  // (TORCHELASTIC_USE_AGENT_STORE, as PyTorch's env:// rendezvous reads it): then every
  // rank is a client; otherwise rank 0 serves it.
  const char* agentStore = std::getenv("TORCHELASTIC_USE_AGENT_STORE");
  const bool agentServes = agentStore && std::string(agentStore) == "True";
  c10d::TCPStoreOptions options;
  options.port = static_cast<uint16_t>(env.masterPort);
  options.isServer = env.rank == 0 && !agentServes;
  options.numWorkers = static_cast<size_t>(env.worldSize);
  options.waitWorkers = !agentServes;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(env.timeout);
  try {
    engine_->store = c10::make_intrusive<c10d::TCPStore>(env.masterAddress, options);
  } catch (const std::exception& e) {
    throw core::Error(where, std::string("cannot join the data-parallel group (MASTER_ADDR:MASTER_PORT): ") +
                                 firstLine(e.what()));
  }
  // A fresh key space per attempt: torchrun's agent keeps its store across restarts.
  const char* attempt = std::getenv("TORCHELASTIC_RESTART_COUNT");
  auto store = c10::make_intrusive<c10d::PrefixStore>(
      "aunet/attempt_" + std::string(attempt && *attempt ? attempt : "0") + "/" + backend, engine_->store);
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(env.timeout);
  try {
    if (backend == "gloo") {
      auto gloo = c10d::ProcessGroupGloo::Options::create(timeout);
      gloo->devices = glooDevices();
      engine_->backend = c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.worldSize, gloo);
    } else {
      const AunetCreateNcclBackend create = loadNcclPlugin();
      char error[1024] = {0};
      c10d::Backend* made =
          create(store.get(), env.rank, env.worldSize, timeout.count(), device.has_index() ? device.index() : env.localRank,
                 error, sizeof error);
      if (!made) throw core::Error("data parallel", std::string("cannot create the NCCL process group: ") + error);
      engine_->backend = c10::intrusive_ptr<c10d::Backend>::reclaim(made);
    }
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw core::Error(where, "cannot create the " + backend + " process group: " + firstLine(e.what()));
  }
  barrier("joined");
}

C10dDataParallelGroup::~C10dDataParallelGroup() = default;

namespace {

// Waits for one collective, turning c10d's errors (a peer's sockets closed, the
// timeout passed) into one line that says what to do.
void waitFor(const c10::intrusive_ptr<c10d::Work>& work, int rank, const std::string& backend,
             std::chrono::seconds timeout, const char* what) {
  try {
    work->wait(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  } catch (const std::exception& e) {
    throw core::Error("data parallel", "rank " + std::to_string(rank) + ": " + what + " over " + backend +
                                           " failed: another process stopped or did not answer within " +
                                           std::to_string(timeout.count()) + " s (AUNET_DIST_TIMEOUT); " +
                                           "restart all processes with --resume (" + firstLine(e.what()) + ")");
  }
}

}  // namespace

void C10dDataParallelGroup::allReduceSum(std::vector<torch::Tensor>& tensors) {
  // Concatenated per dtype into one buffer: one collective instead of one per tensor.
  std::vector<torch::Tensor> flats;
  for (auto& t : tensors) flats.push_back(t.detach().reshape({-1}));
  torch::Tensor flat = torch::cat(flats).contiguous();
  startAllReduceSum(flat)();
  int64_t offset = 0;
  torch::NoGradGuard noGrad;
  for (auto& t : tensors) {
    t.copy_(flat.narrow(0, offset, t.numel()).view(t.sizes()));
    offset += t.numel();
  }
}

std::function<void()> C10dDataParallelGroup::startAllReduceSum(torch::Tensor& flat) {
  std::vector<at::Tensor> buffers{flat};
  c10d::AllreduceOptions options;
  options.reduceOp = c10d::ReduceOp::SUM;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_);
  c10::intrusive_ptr<c10d::Work> work;
  try {
    work = engine_->backend->allreduce(buffers, options);
  } catch (const std::exception& e) {
    throw core::Error("data parallel", "rank " + std::to_string(rank_) + ": cannot start an all-reduce over " + backend_ +
                                           ": " + firstLine(e.what()));
  }
  return [work, engine = engine_, rank = rank_, backend = backend_, timeout = timeout_] {
    waitFor(work, rank, backend, timeout, "all-reduce");
  };
}

void C10dDataParallelGroup::broadcast(std::vector<torch::Tensor>& tensors, int root) {
  std::vector<torch::Tensor> flats;
  for (auto& t : tensors) flats.push_back(t.detach().reshape({-1}));
  std::vector<at::Tensor> buffers{torch::cat(flats).contiguous()};
  c10d::BroadcastOptions options;
  options.rootRank = root;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_);
  waitFor(engine_->backend->broadcast(buffers, options), rank_, backend_, timeout_, "broadcast");
  int64_t offset = 0;
  torch::NoGradGuard noGrad;
  for (auto& t : tensors) {
    t.copy_(buffers[0].narrow(0, offset, t.numel()).view(t.sizes()));
    offset += t.numel();
  }
}

void C10dDataParallelGroup::barrier(const std::string& name) {
  c10d::BarrierOptions options;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(timeout_);
  try {
    waitFor(engine_->backend->barrier(options), rank_, backend_, timeout_, ("barrier '" + name + "'").c_str());
  } catch (const std::exception& e) {
    if (dynamic_cast<const core::Error*>(&e)) throw;
    throw core::Error("data parallel", "rank " + std::to_string(rank_) + ": barrier '" + name + "': " + firstLine(e.what()));
  }
}

}  // namespace aunet::model
