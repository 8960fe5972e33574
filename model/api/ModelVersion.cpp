#include "model/api/ModelVersion.h"

#include <nlohmann/json.hpp>

namespace aunet::model {

nlohmann::json ModelVersion::toJson() const {
  return {{"parent", parent},   {"parent_created", parent_created}, {"parent_description", parent_description},
          {"created", created}, {"dataset", dataset},               {"cases_added", cases_added},
          {"epochs", epochs}};
}

ModelVersion ModelVersion::fromJson(const nlohmann::json& json) {
  ModelVersion v;
  v.parent = json.value("parent", "");
  v.parent_created = json.value("parent_created", "");
  v.parent_description = json.value("parent_description", "");
  v.created = json.value("created", "");
  v.dataset = json.value("dataset", "");
  if (json.contains("cases_added")) v.cases_added = json.at("cases_added").get<std::vector<std::string>>();
  v.epochs = json.value("epochs", int64_t{0});
  return v;
}

}  // namespace aunet::model
