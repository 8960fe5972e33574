#include "app/commands/PlanCommand.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "pipeline/ExperimentPlanner.h"
#include "pipeline/DatasetFingerprint.h"
#include "core/Error.h"

namespace aunet::app {

namespace {

nlohmann::json readConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw core::Error(path, "cannot read the config file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    std::string reason = e.what();
    throw core::Error(path, "invalid JSON: " + reason.substr(0, reason.find('\n')));
  }
}

// "a.b=3" -> {"a": {"b": 3}}
nlohmann::json parseSet(const std::string& set) {
  const auto eq = set.find('=');
  if (eq == std::string::npos || eq == 0) throw core::Error("--set " + set, "expected KEY=VALUE");
  const std::string key = set.substr(0, eq), text = set.substr(eq + 1);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
  if (value.is_discarded()) value = text;
  nlohmann::json patch = nlohmann::json::object();
  nlohmann::json* node = &patch;
  size_t start = 0;
  while (true) {
    const auto dot = key.find('.', start);
    const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) throw core::Error("--set " + set, "empty key");
    if (dot == std::string::npos) {
      (*node)[part] = value;
      break;
    }
    node = &(*node)[part];
    start = dot + 1;
  }
  return patch;
}

}  // namespace

model::TrainingPlan makeTrainingPlan(const io::NnUNetDataset& dataset, const std::string& config,
                                     const std::vector<std::string>& sets) {
  return withPlanOverrides(pipeline::planExperiment(dataset, pipeline::DatasetFingerprint::compute(dataset)), config, sets);
}

model::TrainingPlan withPlanOverrides(const model::TrainingPlan& plan, const std::string& config,
                                      const std::vector<std::string>& sets, const std::vector<std::string>& forbidden) {
  // All overrides first, one validation after: fields that depend on each other
  // (network_channels and patch_size) can change together.
  nlohmann::json overrides = nlohmann::json::object();
  std::string source;
  if (!config.empty()) {
    overrides.merge_patch(readConfig(config));
    source = config;
  }
  for (const auto& s : sets) {
    overrides.merge_patch(parseSet(s));
    source += (source.empty() ? "" : " ") + std::string("--set ") + s;
  }
  for (const auto& key : forbidden)
    if (overrides.contains(key)) throw core::Error(source, "'" + key + "' cannot be changed here");
  return source.empty() ? plan : plan.withOverrides(overrides, source);
}

void setupPlanCommand(CLI::App& parent, PlanOptions& options) {
  auto* cmd = parent.add_subcommand("plan", "Fingerprint an nnU-Net dataset and print the training plan as JSON");
  cmd->footer(
      "Examples:\n"
      "  aunet plan /data/Dataset001_Liver\n"
      "  aunet plan /data/Dataset001_Liver --set batch_size=4 --set preprocessing.patch_size=[96,96,64]");
  cmd->add_option("dataset", options.dataset, "Dataset folder (holds dataset.json)")->required();
  cmd->add_option("--config", options.config, "JSON file whose fields override the plan")->check(CLI::ExistingFile);
  cmd->add_option("--set", options.sets, "Override one field, e.g. --set batch_size=4 --set preprocessing.patch_size=[64,64,32]");
}

int runPlanCommand(const PlanOptions& options, std::ostream& out) {
  const io::NnUNetDataset dataset = io::NnUNetDataset::load(options.dataset);
  out << makeTrainingPlan(dataset, options.config, options.sets).toJson().dump(2) << "\n";
  return 0;
}

}  // namespace aunet::app
