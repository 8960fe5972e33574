#include "model/api/LabelInfo.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace aunet::model {

namespace {

nlohmann::json codeJson(const LabelCode& code) {
  return {{"value", code.value}, {"scheme", code.scheme}, {"meaning", code.meaning}};
}

LabelCode codeFromJson(const nlohmann::json& json, const char* what) {
  if (!json.is_object() || !json.contains("value") || !json.contains("scheme") || !json.contains("meaning"))
    throw std::invalid_argument(std::string("label ") + what + " must be {\"value\", \"scheme\", \"meaning\"}, got " +
                                json.dump());
  return {json.at("value").get<std::string>(), json.at("scheme").get<std::string>(),
          json.at("meaning").get<std::string>()};
}

}  // namespace

nlohmann::json LabelInfo::toJson() const {
  nlohmann::json json{{"value", value}, {"name", name}, {"color", {color[0], color[1], color[2]}}};
  if (!category.empty()) json["category"] = codeJson(category);
  if (!type.empty()) json["type"] = codeJson(type);
  return json;
}

LabelInfo LabelInfo::fromJson(const nlohmann::json& json) {
  // Whole numbers in range only: a float or an out-of-range value would wrap (or be
  // undefined behaviour) when it becomes a mask's uint16 or a colour byte.
  auto integer = [](const nlohmann::json& v, int64_t lo, int64_t hi, const char* what) {
    const bool inRange = v.is_number_unsigned() ? v.get<uint64_t>() <= static_cast<uint64_t>(hi)
                         : v.is_number_integer() ? v.get<int64_t>() >= lo && v.get<int64_t>() <= hi
                                                 : false;
    if (!inRange)
      throw std::invalid_argument(std::string(what) + " must be a whole number in " + std::to_string(lo) + ".." +
                                  std::to_string(hi) + ", got " + v.dump());
    return v.get<int64_t>();
  };
  LabelInfo info;
  info.value = static_cast<int>(integer(json.at("value"), 0, 65535, "label value"));
  info.name = json.at("name").get<std::string>();
  if (json.contains("color")) {
    const auto& c = json.at("color");
    for (size_t i = 0; i < 3; ++i) info.color[i] = static_cast<uint8_t>(integer(c.at(i), 0, 255, "label colour"));
  }
  if (json.contains("category")) info.category = codeFromJson(json.at("category"), "category");
  if (json.contains("type")) info.type = codeFromJson(json.at("type"), "type");
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
