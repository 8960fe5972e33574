#pragma once
// How images must be prepared before the network sees them, stored inside the model
// file (as nnU-Net stores its plans) so nobody has to remember a model's spacing or
// normalization.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aunet::model {

struct IntensityNormalization {
  // "zscore": per image (x - mean) / std over the image's non-zero region;
  // "ct": clip to [clip_low, clip_high] then (x - mean) / std with dataset statistics;
  // "none": leave intensities as they are.
  std::string scheme = "zscore";
  std::vector<double> mean;       // per channel, "ct" only
  std::vector<double> std;        // per channel, "ct" only
  std::vector<double> clip_low;   // per channel, "ct" only
  std::vector<double> clip_high;  // per channel, "ct" only

  nlohmann::json toJson() const;
  static IntensityNormalization fromJson(const nlohmann::json& json);
};

struct PreprocessingPlan {
  // Orientation the network was trained in, as an ITK code ("RAI" = LPS axes), or
  // empty to use images as they are.
  std::string orientation = "RAI";
  std::vector<double> target_spacing;  // mm per axis (i, j, k); empty = keep spacing
  std::vector<int64_t> patch_size;     // sliding-window patch (i, j, k order)
  IntensityNormalization normalization;
  std::vector<int> keep_largest_component;  // labels whose largest component is kept

  nlohmann::json toJson() const;
  static PreprocessingPlan fromJson(const nlohmann::json& json);
};

}  // namespace aunet::model
