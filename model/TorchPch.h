#pragma once
// Precompiled header for every target that compiles against LibTorch.
#include <torch/torch.h>
