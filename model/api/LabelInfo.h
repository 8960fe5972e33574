#pragma once
// One output class of a model: its label value in the written mask, its name and the
// colour viewers draw it with.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aunet::model {

struct LabelInfo {
  int value = 0;
  std::string name;
  std::array<uint8_t, 3> color{0, 0, 0};

  nlohmann::json toJson() const;
  static LabelInfo fromJson(const nlohmann::json& json);
  // Background plus `classes - 1` foreground labels named "label N", coloured from a
  // fixed palette that stays readable over grey images.
  static std::vector<LabelInfo> defaults(int classes);
};

}  // namespace aunet::model
