#include "model/api/ModelMetadata.h"

#include <set>
#include <stdexcept>

#include "core/Error.h"

namespace aunet::model {

nlohmann::json ModelMetadata::toJson() const {
  nlohmann::json labelsJson = nlohmann::json::array();
  for (const auto& l : labels) labelsJson.push_back(l.toJson());
  return {{"description", description},
          {"architecture", architecture},
          {"labels", labelsJson},
          {"plan", plan.toJson()},
          {"provenance", provenance.toJson()}};
}

ModelMetadata ModelMetadata::fromJson(const nlohmann::json& json, const std::string& source) {
  ModelMetadata m;
  try {
    if (!json.is_object()) throw core::Error(source, "model metadata is not a JSON object");
    m.description = json.value("description", "");
    m.architecture = json.at("architecture");
    if (!m.architecture.is_object()) throw core::Error(source, "model metadata 'architecture' is not an object");
    std::set<int> seen;
    for (const auto& l : json.at("labels")) {
      m.labels.push_back(LabelInfo::fromJson(l));
      if (!seen.insert(m.labels.back().value).second)
        throw core::Error(source, "label value " + std::to_string(m.labels.back().value) + " is listed twice");
    }
    if (json.contains("plan")) m.plan = PreprocessingPlan::fromJson(json.at("plan"));
    if (json.contains("provenance")) m.provenance = Provenance::fromJson(json.at("provenance"));
  } catch (const nlohmann::json::exception& e) {
    // nlohmann prefixes "[json.exception.type_error.302] "; keep only the reason.
    std::string reason = e.what();
    if (const auto pos = reason.find("] "); pos != std::string::npos) reason = reason.substr(pos + 2);
    throw core::Error(source, "invalid model metadata: " + reason);
  } catch (const std::invalid_argument& e) {
    throw core::Error(source, std::string("invalid model metadata: ") + e.what());
  }
  return m;
}

const LabelInfo* ModelMetadata::label(int value) const {
  for (const auto& l : labels)
    if (l.value == value) return &l;
  return nullptr;
}

}  // namespace aunet::model
