#pragma once
// Attention U-Net (Oktay et al. 2018) for 2D or 3D segmentation, built from
// AttentionUNetOptions. See docs/model.md for the diagram and the parameter count.
//
// Submodule names (stable: the model file stores weights by these names):
//   encoder0 .. encoder{L-1}   ConvBlock per level, encoder{L-1} is the bottleneck
//   gating_conv, gating_norm   1x1 conv + norm on the bottleneck (only when level L-2 is gated)
//   gate{l}                    AttentionGate for every gated level l
//   decoder0 .. decoder{L-2}   ConvBlock(channels[l] + channels[l+1] -> channels[l])
//   head                       1x1 conv channels[0] -> num_classes
//   ds1 .. ds{L-2}             1x1 deep supervision heads (only with deep_supervision)

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <vector>

#include "model/AttentionGate.h"
#include "model/AttentionUNetOptions.h"
#include "model/AttentionUNetOutput.h"
#include "model/ConvBlock.h"

namespace aunet::model {

class AttentionUNetImpl : public torch::nn::Module {
 public:
  // Throws core::Error when the options are invalid.
  explicit AttentionUNetImpl(const AttentionUNetOptions& options);

  // x: [N, in_channels, *S] with any S >= 1 -> logits [N, num_classes, *S].
  torch::Tensor forward(const torch::Tensor& x);

  // Logits plus, on request, the attention maps and the deep supervision logits.
  AttentionUNetOutput forward_all(const torch::Tensor& x, bool with_attention, bool with_deep_supervision);

  const AttentionUNetOptions& options() const { return options_; }

  // Number of trainable parameters.
  int64_t parameter_count() const;

  // CPU passes (float32) run channels-last by default, with autograd (training) and
  // without (inference): oneDNN's convolutions then take the activations as they are
  // instead of reordering every input and output to and from their blocked layout
  // (docs/performance.md). Logits and deep supervision outputs come back in the usual
  // [N, C, *S] layout either way. Off: the NCDHW path, for comparison.
  void set_channels_last_inference(bool on) { channels_last_inference_ = on; }
  bool channels_last_inference() const { return channels_last_inference_; }
  void set_channels_last_training(bool on) { channels_last_training_ = on; }
  bool channels_last_training() const { return channels_last_training_; }

  // Channels-last CPU inference builds a decoder concatenation larger than this many
  // bytes a slab at a time (about this size, at least 2 rows of the first spatial axis)
  // and runs the decoder's first convolution slab by slab (ConvBlock::forward_in_slabs):
  // the largest tensor of a pass (level 0: 48 channels at the patch's full size, 170 MB
  // for two 96^3 windows in bf16) is then never held whole. Gated levels, whose skip is
  // normalized over the whole volume first, are built whole.
  void set_inference_slab_bytes(int64_t bytes) { inference_slab_bytes_ = bytes; }
  int64_t inference_slab_bytes() const { return inference_slab_bytes_; }

 private:
  void checkInput(const torch::Tensor& x) const;
  bool isGated(int64_t level) const;
  bool usesChannelsLast(const torch::Tensor& x) const;

  AttentionUNetOptions options_;
  std::vector<ConvBlock> encoders_;   // per level
  std::vector<ConvBlock> decoders_;   // per level 0 .. L-2
  std::vector<AttentionGate> gates_;  // per level 0 .. L-2, empty holder where ungated
  torch::nn::AnyModule gating_conv_, gating_norm_;
  torch::nn::AnyModule head_;
  std::vector<torch::nn::AnyModule> ds_heads_;  // per level 0 .. L-2, empty at level 0
  bool channels_last_inference_ = true;
  bool channels_last_training_ = true;
  int64_t inference_slab_bytes_ = int64_t{16} << 20;
};

TORCH_MODULE(AttentionUNet);

}  // namespace aunet::model
