#include "model/AttentionUNetOptions.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "core/Error.h"

namespace aunet::model {

namespace {

// Beyond this the size divisor (2^(levels-1)) stops being a sensible patch multiple
// and the shift in size_divisor() could overflow.
constexpr int64_t kMaxLevels = 12;

[[noreturn]] void fail(const std::string& reason) {
  throw core::Error("invalid network options: " + reason);
}

std::string listToString(const std::vector<int64_t>& values) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  out << ']';
  return out.str();
}

// nlohmann's own accessors throw nlohmann exceptions on a type mismatch; the caller
// must only ever see core::Error, so every read checks the type first.
int64_t readInteger(const nlohmann::json& value, const std::string& key) {
  if (!value.is_number_integer()) fail("'" + key + "' must be an integer, got " + value.dump());
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    fail("'" + key + "' is out of range: " + value.dump());
  return value.get<int64_t>();
}

std::vector<int64_t> readIntegerList(const nlohmann::json& value, const std::string& key) {
  if (!value.is_array()) fail("'" + key + "' must be an array of integers, got " + value.dump());
  std::vector<int64_t> out;
  out.reserve(value.size());
  for (const auto& item : value) out.push_back(readInteger(item, key + "[]"));
  return out;
}

}  // namespace

std::vector<int64_t> AttentionUNetOptions::gated_levels() const {
  if (gated_levels_) return *gated_levels_;
  std::vector<int64_t> all;
  for (int64_t level = 1; level <= levels() - 2; ++level) all.push_back(level);
  return all;
}

void AttentionUNetOptions::validate() const {
  if (spatial_dims_ != 2 && spatial_dims_ != 3)
    fail("spatial_dims must be 2 or 3, got " + std::to_string(spatial_dims_));
  if (in_channels_ < 1) fail("in_channels must be at least 1, got " + std::to_string(in_channels_));
  // Softmax segmentation needs background plus at least one foreground class.
  if (num_classes_ < 2) fail("num_classes must be at least 2 (background included), got " +
                             std::to_string(num_classes_));
  if (channels_.size() < 2)
    fail("channels must list at least 2 levels (one skip and the bottleneck), got " + listToString(channels_));
  if (levels() > kMaxLevels)
    fail("channels lists " + std::to_string(levels()) + " levels, at most " + std::to_string(kMaxLevels) +
         " are supported");
  for (int64_t c : channels_)
    if (c < 1) fail("every entry of channels must be at least 1, got " + listToString(channels_));
  std::set<int64_t> seen;
  for (int64_t level : gated_levels()) {
    if (level < 0 || level > levels() - 2)
      fail("gated level " + std::to_string(level) + " is outside [0, " + std::to_string(levels() - 2) +
           "] for " + std::to_string(levels()) + " levels");
    if (!seen.insert(level).second) fail("gated level " + std::to_string(level) + " is listed twice");
  }
}

nlohmann::json AttentionUNetOptions::toJson() const {
  return nlohmann::json{{"spatial_dims", spatial_dims_},
                        {"in_channels", in_channels_},
                        {"num_classes", num_classes_},
                        {"channels", channels_},
                        {"norm", toString(norm_)},
                        {"gated_levels", gated_levels()},
                        {"deep_supervision", deep_supervision_}};
}

AttentionUNetOptions AttentionUNetOptions::fromJson(const nlohmann::json& json) {
  if (!json.is_object()) fail("expected a JSON object, got " + std::string(json.type_name()));
  AttentionUNetOptions options;
  for (const auto& [key, value] : json.items()) {
    if (key == "spatial_dims") {
      options.spatial_dims(readInteger(value, key));
    } else if (key == "in_channels") {
      options.in_channels(readInteger(value, key));
    } else if (key == "num_classes") {
      options.num_classes(readInteger(value, key));
    } else if (key == "channels") {
      options.channels(readIntegerList(value, key));
    } else if (key == "norm") {
      if (!value.is_string()) fail("'norm' must be a string, got " + value.dump());
      options.norm(normalizationFromString(value.get<std::string>()));
    } else if (key == "gated_levels") {
      options.gated_levels(readIntegerList(value, key));
    } else if (key == "deep_supervision") {
      if (!value.is_boolean()) fail("'deep_supervision' must be true or false, got " + value.dump());
      options.deep_supervision(value.get<bool>());
    } else {
      // A misspelt key would otherwise silently leave its default in place.
      fail("unknown key '" + key + "'");
    }
  }
  options.validate();
  return options;
}

}  // namespace aunet::model
