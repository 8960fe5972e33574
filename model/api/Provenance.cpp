#include "model/api/Provenance.h"

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

namespace aunet::model {

nlohmann::json Provenance::toJson() const {
  nlohmann::json j{{"dataset", dataset}, {"epochs", epochs}, {"aunet_version", aunet_version}, {"created", created}};
  j["validation_dice"] = validation_dice ? nlohmann::json(*validation_dice) : nlohmann::json(nullptr);
  if (!history.empty()) {
    j["history"] = nlohmann::json::array();
    for (const auto& v : history) j["history"].push_back(v.toJson());
  }
  return j;
}

Provenance Provenance::fromJson(const nlohmann::json& json) {
  Provenance p;
  p.dataset = json.value("dataset", "");
  p.epochs = json.value("epochs", int64_t{0});
  if (json.contains("validation_dice") && !json.at("validation_dice").is_null())
    p.validation_dice = json.at("validation_dice").get<double>();
  p.aunet_version = json.value("aunet_version", "");
  p.created = json.value("created", "");
  if (json.contains("history"))
    for (const auto& v : json.at("history")) p.history.push_back(ModelVersion::fromJson(v));
  return p;
}

std::string Provenance::nowUtc() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace aunet::model
