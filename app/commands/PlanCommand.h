#pragma once
// `aunet plan DIR [--config FILE] [--set KEY=JSON ...]`: fingerprints an nnU-Net
// dataset and prints the training plan (model/api/TrainingPlan.h) as JSON, with the
// config file's fields and then each --set merged over the planner's choices.

#include <iosfwd>
#include <string>
#include <vector>

#include "io/NnUNetDataset.h"
#include "model/api/TrainingPlan.h"

namespace CLI {
class App;
}

namespace aunet::app {

struct PlanOptions {
  std::string dataset;
  std::string config;             // JSON file merged over the plan (may be empty)
  std::vector<std::string> sets;  // "key=value" or "a.b=value"; value parsed as JSON, else taken as a string
};

void setupPlanCommand(CLI::App& parent, PlanOptions& options);
int runPlanCommand(const PlanOptions& options, std::ostream& out);

// The planner's plan for `dataset` with `config` (a JSON file, may be empty) and
// `sets` applied in that order. Throws core::Error naming the file or the setting.
model::TrainingPlan makeTrainingPlan(const io::NnUNetDataset& dataset, const std::string& config,
                                     const std::vector<std::string>& sets = {});

// `plan` with `config` and `sets` merged over it (as above); top-level keys in
// `forbidden` may not be overridden (core::Error naming the config or the --set).
model::TrainingPlan withPlanOverrides(const model::TrainingPlan& plan, const std::string& config,
                                      const std::vector<std::string>& sets, const std::vector<std::string>& forbidden = {});

}  // namespace aunet::app
