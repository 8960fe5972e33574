#pragma once
// Everything in a model file except the weights: what the GUI and `aunet info` show,
// and what rebuilding the network needs. Torch-free so the viewer can read it.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/api/LabelInfo.h"
#include "model/api/PreprocessingPlan.h"
#include "model/api/Provenance.h"

namespace aunet::model {

struct ModelMetadata {
  std::string description;
  nlohmann::json architecture;  // AttentionUNetOptions as JSON (model/ parses it)
  std::vector<LabelInfo> labels;
  // What each input channel is ("T1", "CT"), as the training dataset's channel_names
  // said; a file without them (older models) reads as "channel0", "channel1", ...
  std::vector<std::string> channel_names;
  PreprocessingPlan plan;
  Provenance provenance;

  nlohmann::json toJson() const;
  // Throws core::Error("<source>: <reason>") on missing keys or wrong types.
  static ModelMetadata fromJson(const nlohmann::json& json, const std::string& source);

  const LabelInfo* label(int value) const;
};

}  // namespace aunet::model
