#pragma once
// A tiny untrained 3D model file (channels 4/8/16, 3 classes, 16^3 patches, z-score,
// RAI) for CLI tests that need any model to run, not a good one.

#include <string>
#include <vector>

#include "model/AttentionUNet.h"
#include "model/ModelFile.h"

namespace aunet::test {

// targetSpacing empty: the model keeps each image's spacing.
inline void writeTinyModelFile(const std::string& path, uint64_t seed, std::vector<double> targetSpacing = {}) {
  torch::manual_seed(seed);
  model::AttentionUNet net(model::AttentionUNetOptions(3, 1, 3).channels({4, 8, 16}));
  model::ModelMetadata meta;
  meta.labels = model::LabelInfo::defaults(3);
  meta.plan.orientation = "RAI";
  meta.plan.target_spacing = std::move(targetSpacing);
  meta.plan.patch_size = {16, 16, 16};
  meta.plan.normalization.scheme = "zscore";
  model::ModelFile::save(path, net, meta);
}

}  // namespace aunet::test
