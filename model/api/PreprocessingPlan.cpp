#include "model/api/PreprocessingPlan.h"

#include <nlohmann/json.hpp>

namespace aunet::model {

nlohmann::json IntensityNormalization::toJson() const {
  nlohmann::json j{{"scheme", scheme}};
  if (scheme == "ct") {
    j["mean"] = mean;
    j["std"] = std;
    j["clip_low"] = clip_low;
    j["clip_high"] = clip_high;
  }
  return j;
}

IntensityNormalization IntensityNormalization::fromJson(const nlohmann::json& json) {
  IntensityNormalization n;
  n.scheme = json.at("scheme").get<std::string>();
  if (n.scheme == "ct") {
    n.mean = json.at("mean").get<std::vector<double>>();
    n.std = json.at("std").get<std::vector<double>>();
    n.clip_low = json.at("clip_low").get<std::vector<double>>();
    n.clip_high = json.at("clip_high").get<std::vector<double>>();
  } else if (n.scheme != "zscore" && n.scheme != "none") {
    throw nlohmann::json::other_error::create(501, "unknown normalization scheme '" + n.scheme + "'", &json);
  }
  return n;
}

nlohmann::json PreprocessingPlan::toJson() const {
  return {{"orientation", orientation},
          {"target_spacing", target_spacing},
          {"patch_size", patch_size},
          {"normalization", normalization.toJson()},
          {"keep_largest_component", keep_largest_component}};
}

PreprocessingPlan PreprocessingPlan::fromJson(const nlohmann::json& json) {
  PreprocessingPlan p;
  p.orientation = json.value("orientation", p.orientation);
  p.target_spacing = json.value("target_spacing", p.target_spacing);
  p.patch_size = json.value("patch_size", p.patch_size);
  if (json.contains("normalization")) p.normalization = IntensityNormalization::fromJson(json.at("normalization"));
  p.keep_largest_component = json.value("keep_largest_component", p.keep_largest_component);
  return p;
}

}  // namespace aunet::model
