#pragma once
// Shared by the model tests: instance norm modules and networks whose norms have
// non-trivial scale and shift, so a fast path that ignored them would be caught.

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "model/AttentionUNet.h"

namespace aunet::model::test {

// An affine InstanceNorm2d (dims 2) or 3d with weight and bias uniform in [-1.5, 1.5].
inline torch::nn::AnyModule randomAffineInstanceNorm(int64_t dims, int64_t channels) {
  torch::nn::AnyModule norm;
  if (dims == 3)
    norm = torch::nn::AnyModule(torch::nn::InstanceNorm3d(torch::nn::InstanceNorm3dOptions(channels).affine(true)));
  else
    norm = torch::nn::AnyModule(torch::nn::InstanceNorm2d(torch::nn::InstanceNorm2dOptions(channels).affine(true)));
  torch::NoGradGuard noGrad;
  for (auto& p : norm.ptr()->parameters()) p.uniform_(-1.5, 1.5);
  return norm;
}

// Every norm parameter of `module` uniform in [0.5, 1.5] (freshly built norms are 1 and 0).
inline void randomizeNormParameters(torch::nn::Module& module) {
  torch::NoGradGuard noGrad;
  for (auto& p : module.named_parameters())
    if (p.key().find("norm") != std::string::npos) p.value().uniform_(0.5, 1.5);
}

// A network built after torch::manual_seed(seed), in eval mode, its norms randomized.
inline AttentionUNet evalNetworkWithRandomNorms(const AttentionUNetOptions& options, uint64_t seed) {
  torch::manual_seed(seed);
  AttentionUNet net(options);
  net->eval();
  randomizeNormParameters(*net);
  return net;
}

}  // namespace aunet::model::test
