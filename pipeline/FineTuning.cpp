#include "pipeline/FineTuning.h"

#include <filesystem>
#include <set>

#include "pipeline/DatasetChecker.h"
#include "pipeline/PreprocessedCaseCache.h"
#include "pipeline/TrainingPreprocessor.h"
#include "core/Cancelled.h"
#include "core/Error.h"
#include "core/Log.h"
#include "model/ModelFile.h"

namespace aunet::pipeline {

namespace fs = std::filesystem;

model::TrainingPlan keptPlan(const model::ModelMetadata& parent, const io::NnUNetDataset& dataset) {
  model::TrainingPlan plan;
  plan.dataset = dataset.name;
  plan.preprocessing = parent.plan;
  plan.spatial_dims = parent.architecture.value("spatial_dims", 3);
  plan.network_channels = parent.architecture.at("channels").get<std::vector<int64_t>>();
  plan.epochs = FineTuningDefaults::kEpochs;
  plan.iterations_per_epoch = FineTuningDefaults::kIterationsPerEpoch;
  plan.learning_rate = FineTuningDefaults::kLearningRate;
  plan.validate_every = plan.epochs;
  // Corrections are where the model was wrong: sample the labelled structures often.
  plan.foreground_fraction = 0.5;
  return plan;
}

bool datasetMadeFrom(const io::NnUNetDataset& dataset, const std::string& parentPath, const model::ModelMetadata& parent) {
  if (dataset.sourceModel.empty()) return false;
  std::error_code ec;
  const fs::path source = fs::weakly_canonical(fs::path(dataset.root) / dataset.sourceModel, ec);
  if (!ec && source == fs::weakly_canonical(parentPath, ec)) return true;
  // An ancestor: the same file name and creation time as the model the dataset was made from.
  const std::string sourceName = fs::path(dataset.sourceModel).filename().string();
  if (!dataset.sourceModelCreated.empty() && parent.provenance.created == dataset.sourceModelCreated) return true;
  for (const auto& step : parent.provenance.history)
    if (step.parent == sourceName && step.parent_created == dataset.sourceModelCreated) return true;
  return false;
}

void checkDatasetFitsModel(const io::NnUNetDataset& dataset, const model::ModelMetadata& parent,
                           const std::string& parentPath) {
  const std::string where = (fs::path(dataset.root) / "dataset.json").string();
  if (dataset.channelNames.size() != parent.channel_names.size())
    throw core::Error(where, "names " + std::to_string(dataset.channelNames.size()) + " channel(s), but the model " +
                                 parentPath + " takes " + std::to_string(parent.channel_names.size()) +
                                 "; fine-tuning keeps the model's inputs");
  std::set<int> modelValues, datasetValues;
  for (const auto& l : parent.labels) modelValues.insert(l.value);
  for (int v : dataset.labelValues()) datasetValues.insert(v);
  if (modelValues != datasetValues)
    throw core::Error(where, "declares other label values than the model " + parentPath +
                                 " (fine-tuning keeps the model's labels; create the dataset with `aunet dataset create -m`)");
}

model::ModelMetadata fineTunedMetadata(const model::ModelMetadata& parent, const std::string& parentPath,
                                       const io::NnUNetDataset& dataset, int epochs) {
  model::ModelMetadata m = parent;
  model::ModelVersion step;
  step.parent = fs::path(parentPath).filename().string();
  step.parent_created = parent.provenance.created;
  step.parent_description = parent.description;
  step.created = model::Provenance::nowUtc();
  step.dataset = dataset.name;
  step.epochs = epochs;
  std::set<std::string> earlier;
  for (const auto& s : parent.provenance.history)
    if (s.dataset == dataset.name) earlier.insert(s.cases_added.begin(), s.cases_added.end());
  for (const auto& c : dataset.training)
    if (!earlier.count(c.id)) step.cases_added.push_back(c.id);
  m.provenance = model::Provenance{};
  m.provenance.history = parent.provenance.history;
  m.provenance.history.push_back(step);
  const std::string base = parent.description.substr(0, parent.description.find(" [fine-tuned"));
  m.description = base + " [fine-tuned on " + dataset.name + ", " + std::to_string(step.cases_added.size()) +
                  " case(s) added, version " + std::to_string(m.provenance.history.size() + 1) + "]";
  return m;
}

TrainingResult fineTune(const FineTuneOptions& options) {
  const io::NnUNetDataset dataset = io::NnUNetDataset::load(options.dataset);
  const DatasetCheckReport report = checkDataset(dataset);
  if (!report.ok()) throw core::Error(options.dataset, report.problems.front());
  const model::ModelMetadata parent = model::ModelFile::readMetadata(options.model);
  checkDatasetFitsModel(dataset, parent, options.model);

  model::TrainingPlan plan = keptPlan(parent, dataset);
  if (options.epochs > 0) plan.epochs = plan.validate_every = options.epochs;
  if (options.iterationsPerEpoch > 0) plan.iterations_per_epoch = options.iterationsPerEpoch;
  if (options.learningRate > 0) plan.learning_rate = options.learningRate;
  plan.validate(options.runDir + "/plan.json");

  fs::create_directories(options.runDir);
  PreprocessedCaseCache cache((fs::path(options.runDir) / "preprocessed").string(), plan);
  std::vector<TrainingCase> cases;
  for (const auto& c : dataset.training) {
    if (options.cancel && options.cancel->cancelled()) throw core::Cancelled();
    cases.push_back(cache.load(c));
  }

  TrainerOptions trainer;
  trainer.plan = plan;
  trainer.metadata = fineTunedMetadata(parent, options.model, dataset, plan.epochs);
  trainer.runDir = options.runDir;
  trainer.device = options.device;
  trainer.seed = options.seed;
  trainer.initFrom = options.model;
  trainer.onIteration = options.onIteration;
  trainer.onEpoch = options.onEpoch;
  trainer.cancel = options.cancel;
  core::log::info("fine-tuning " + options.model + " on " + std::to_string(cases.size()) + " case(s) of " +
                  dataset.name + ": " + std::to_string(plan.epochs) + " epochs of " +
                  std::to_string(plan.iterations_per_epoch) + " iterations, learning rate " +
                  std::to_string(plan.learning_rate) + ", the model's plan kept");
  return trainModel(trainer, cases, cases);
}

}  // namespace aunet::pipeline
