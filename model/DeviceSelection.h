#pragma once
// Turns the user's --device and --threads choices into LibTorch settings, with a
// clear error when the machine cannot honour them.

#include <string>
#include <vector>

#include <torch/types.h>

namespace aunet::model {

// "auto" (CUDA when available, else CPU), "cpu", "cuda" or "cuda:N".
torch::Device selectDevice(const std::string& spec);

// The devices of `aunet segment`'s workers: "cuda:all" is every CUDA device, a comma
// list ("cuda:0,cuda:2", "cpu,cpu") names them one by one, anything else is one device
// as selectDevice takes it. Each is checked with selectDevice.
std::vector<std::string> expandDevices(const std::string& spec);

// Sets LibTorch's intra-op threads and aunet's own pools (core/ThreadCount.h); 0 means
// every core. Returns the count in effect.
// (Some LibTorch builds start with one thread unless told otherwise.)
int configureThreads(int requested);

// "cpu (2 threads)" or "cuda:0 (NVIDIA H100 ...)", for logs and benchmarks.
std::string describeDevice(const torch::Device& device);

}  // namespace aunet::model
