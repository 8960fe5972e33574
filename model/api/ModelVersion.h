#pragma once
// One step of a model's version history: the model it was fine-tuned from, when, and
// on which cases (Provenance::history, oldest first). A model trained from scratch has
// no history; each `aunet train --init-from` on a dataset of corrections adds a step.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace aunet::model {

struct ModelVersion {
  std::string parent;                    // the parent model's file name ("demo-brain.aunet")
  std::string parent_created;            // the parent's provenance.created: which version it was
  std::string parent_description;
  std::string created;                   // when this step's model was written (ISO-8601 UTC)
  std::string dataset;                   // the dataset it was fine-tuned on
  std::vector<std::string> cases_added;  // that dataset's cases no earlier step had trained on
  int64_t epochs = 0;

  nlohmann::json toJson() const;
  static ModelVersion fromJson(const nlohmann::json& json);
};

}  // namespace aunet::model
