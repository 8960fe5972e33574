#include "model/api/ModelMetadata.h"

#include <algorithm>
#include <cstdint>
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
          {"channel_names", channel_names},
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
    if (json.contains("channel_names")) m.channel_names = json.at("channel_names").get<std::vector<std::string>>();
    // Bounded: a crafted in_channels must not make a billion names.
    const int64_t channels = std::clamp<int64_t>(m.architecture.value("in_channels", int64_t{0}), 0, 4096);
    if (static_cast<int64_t>(m.channel_names.size()) != channels) {
      if (!m.channel_names.empty() && channels > 0)
        throw core::Error(source, "model metadata names " + std::to_string(m.channel_names.size()) +
                                      " channel(s) but the architecture has " + std::to_string(channels));
      m.channel_names.clear();
      for (int64_t c = 0; c < channels; ++c) m.channel_names.push_back("channel" + std::to_string(c));
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
