#include "model/DataParallelGroup.h"

#include <cstdlib>

#include "core/Error.h"
#include "model/C10dDataParallelGroup.h"

namespace aunet::model {

namespace {

const char* firstSet(std::initializer_list<const char*> names) {
  for (const char* n : names)
    if (const char* v = std::getenv(n); v && *v) return v;
  return nullptr;
}

int parseInt(const char* text, const char* what) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (!end || *end != '\0' || v < 0 || v > 1 << 30)
    throw core::Error("environment", std::string(what) + " must be a non-negative integer, got '" + text + "'");
  return static_cast<int>(v);
}

}  // namespace

DataParallelEnvironment DataParallelEnvironment::fromEnvironment() {
  DataParallelEnvironment env;
  // torchrun's variables first, then Slurm's (srun sets them for every task).
  if (const char* w = firstSet({"WORLD_SIZE", "SLURM_NTASKS"})) env.worldSize = parseInt(w, "WORLD_SIZE");
  if (env.worldSize <= 1) return DataParallelEnvironment{};
  const char* r = firstSet({"RANK", "SLURM_PROCID"});
  if (!r) throw core::Error("environment", "WORLD_SIZE is " + std::to_string(env.worldSize) + " but RANK is not set");
  env.rank = parseInt(r, "RANK");
  if (const char* l = firstSet({"LOCAL_RANK", "SLURM_LOCALID"})) env.localRank = parseInt(l, "LOCAL_RANK");
  if (const char* a = firstSet({"MASTER_ADDR"})) env.masterAddress = a;
  if (const char* p = firstSet({"MASTER_PORT"})) env.masterPort = parseInt(p, "MASTER_PORT");
  if (env.rank >= env.worldSize)
    throw core::Error("environment", "RANK " + std::to_string(env.rank) + " is outside WORLD_SIZE " + std::to_string(env.worldSize));
  if (const char* t = firstSet({"AUNET_DIST_TIMEOUT"})) {
    env.timeout = std::chrono::seconds(parseInt(t, "AUNET_DIST_TIMEOUT"));
    if (env.timeout.count() < 1) throw core::Error("environment", "AUNET_DIST_TIMEOUT must be at least 1 (seconds)");
  }
  if (env.masterPort < 1 || env.masterPort > 65535)
    throw core::Error("environment", "MASTER_PORT must be in 1..65535, got " + std::to_string(env.masterPort));
  return env;
}

std::shared_ptr<DataParallelGroup> DataParallelGroup::join(const DataParallelEnvironment& environment,
                                                           const torch::Device& device) {
  if (environment.worldSize <= 1) return nullptr;
  return std::make_shared<C10dDataParallelGroup>(environment, device.is_cuda() ? "nccl" : "gloo", device);
}

}  // namespace aunet::model
