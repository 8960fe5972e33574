#pragma once
// One output class of a model: its label value in the written mask, its name and the
// colour viewers draw it with.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aunet::model {

// A coded concept (DICOM Code Sequence): "10200004", "SCT", "Liver".
struct LabelCode {
  std::string value;
  std::string scheme;
  std::string meaning;
  bool empty() const { return value.empty(); }
};

struct LabelInfo {
  int value = 0;
  std::string name;
  std::array<uint8_t, 3> color{0, 0, 0};
  // What the label is, for DICOM SEG/RTSTRUCT output; empty: looked up by name
  // (io/DicomCodes.h). JSON: "category"/"type": {"value", "scheme", "meaning"}.
  LabelCode category;
  LabelCode type;

  nlohmann::json toJson() const;
  static LabelInfo fromJson(const nlohmann::json& json);
  // Background plus `classes - 1` foreground labels named "label N", coloured from a
  // fixed palette that stays readable over grey images.
  static std::vector<LabelInfo> defaults(int classes);
};

}  // namespace aunet::model
