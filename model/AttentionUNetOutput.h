#pragma once
// Everything one forward pass of the Attention U-Net can return. Inference wants the
// logits (and maybe the attention maps to show); training also wants the deep
// supervision logits.

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace aunet::model {

struct AttentionUNetOutput {
  // [N, num_classes, *input spatial size]
  torch::Tensor logits;
  // One map per gated level, ascending level order, each [N, 1, *skip size] with
  // skip size ceil(input size / 2^level); values in [0, 1]. Empty unless requested.
  std::vector<torch::Tensor> attention;
  // attention[i] belongs to level attention_levels[i].
  std::vector<int64_t> attention_levels;
  // Logits of the coarser decoder levels 1 .. levels-2 (level 1 first), each
  // [N, num_classes, *ceil(input size / 2^level)], not upsampled. Empty unless
  // requested and the network was built with deep_supervision.
  std::vector<torch::Tensor> deep_supervision;
};

}  // namespace aunet::model
