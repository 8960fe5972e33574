#pragma once
// Where a model came from: what it was trained on, for how long, how well it did, and
// which aunet wrote it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "model/api/ModelVersion.h"

namespace aunet::model {

struct Provenance {
  std::string dataset;                    // dataset name or "untrained"
  int64_t epochs = 0;
  std::optional<double> validation_dice;  // mean foreground Dice on held-out cases
  std::string aunet_version;              // version that wrote the file
  std::string created;                    // ISO-8601 UTC
  std::vector<ModelVersion> history;      // fine-tuning steps that led here, oldest first

  nlohmann::json toJson() const;
  static Provenance fromJson(const nlohmann::json& json);
  // The current time as ISO-8601 UTC, for `created`.
  static std::string nowUtc();
};

}  // namespace aunet::model
