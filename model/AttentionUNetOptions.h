#pragma once
// Hyperparameters of the Attention U-Net, in the LibTorch options style: every field
// has a default and a chainable setter, so a new hyperparameter is one line here and
// no call site changes.  AttentionUNetOptions(3, 1, 2).channels({8, 16, 32}).norm(...)

#include <torch/arg.h>

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/Normalization.h"

namespace aunet::model {

struct AttentionUNetOptions {
  AttentionUNetOptions(int64_t spatial_dims = 3, int64_t in_channels = 1, int64_t num_classes = 2)
      : spatial_dims_(spatial_dims), in_channels_(in_channels), num_classes_(num_classes) {}

  TORCH_ARG(int64_t, spatial_dims);   // 2 or 3
  TORCH_ARG(int64_t, in_channels);    // image channels (e.g. MR sequences)
  TORCH_ARG(int64_t, num_classes);    // output classes, background included
  // Feature channels per resolution level, finest first; the last is the bottleneck.
  TORCH_ARG(std::vector<int64_t>, channels) = std::vector<int64_t>{16, 32, 64, 128, 256};
  TORCH_ARG(Normalization, norm) = Normalization::Instance;
  // Extra 1x1 heads on the coarser decoder levels, used by the training loss only.
  TORCH_ARG(bool, deep_supervision) = true;

 public:  // TORCH_ARG leaves the access at private
  // Skip levels (0 = finest, up to channels.size() - 2) whose skip connection passes
  // through an attention gate. Unless set, every skip but the finest is gated, as in
  // Oktay et al., whatever the number of levels; set {} for a plain U-Net.
  AttentionUNetOptions& gated_levels(std::vector<int64_t> levels) {
    gated_levels_ = std::move(levels);
    return *this;
  }
  std::vector<int64_t> gated_levels() const;

  // Number of resolution levels (channels.size()).
  int64_t levels() const { return static_cast<int64_t>(channels_.size()); }
  // Input sizes are padded internally to a multiple of this (2^(levels-1)).
  int64_t size_divisor() const { return int64_t{1} << (levels() - 1); }

  // Throws core::Error with a one-line reason when the options cannot build a network.
  void validate() const;

  nlohmann::json toJson() const;
  // Missing keys keep their defaults; wrong types or values throw core::Error.
  static AttentionUNetOptions fromJson(const nlohmann::json& json);

 private:
  std::optional<std::vector<int64_t>> gated_levels_;
};

}  // namespace aunet::model
