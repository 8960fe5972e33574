#include "model/api/LabelInfo.h"

#include <nlohmann/json.hpp>

namespace aunet::model {

nlohmann::json LabelInfo::toJson() const {
  return {{"value", value}, {"name", name}, {"color", {color[0], color[1], color[2]}}};
}

LabelInfo LabelInfo::fromJson(const nlohmann::json& json) {
  LabelInfo info;
  info.value = json.at("value").get<int>();
  info.name = json.at("name").get<std::string>();
  if (json.contains("color")) {
    const auto& c = json.at("color");
    for (size_t i = 0; i < 3; ++i) info.color[i] = static_cast<uint8_t>(c.at(i).get<int>());
  }
  return info;
}

std::vector<LabelInfo> LabelInfo::defaults(int classes) {
  // Distinct, saturated colours (ITK-SNAP-like) that read well over grey anatomy.
  static const std::array<std::array<uint8_t, 3>, 12> kPalette{{{255, 0, 0},
                                                                {0, 255, 0},
                                                                {0, 0, 255},
                                                                {255, 255, 0},
                                                                {0, 255, 255},
                                                                {255, 0, 255},
                                                                {255, 239, 213},
                                                                {0, 0, 205},
                                                                {205, 133, 63},
                                                                {210, 180, 140},
                                                                {102, 205, 170},
                                                                {255, 140, 0}}};
  std::vector<LabelInfo> labels;
  labels.push_back({0, "background", {0, 0, 0}});
  for (int v = 1; v < classes; ++v)
    labels.push_back({v, "label " + std::to_string(v), kPalette[(v - 1) % kPalette.size()]});
  return labels;
}

}  // namespace aunet::model
