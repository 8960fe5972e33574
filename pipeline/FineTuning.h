#pragma once
// Fine-tuning a trained model on a dataset of corrected cases (`aunet train
// --init-from MODEL --keep-plan`, the viewer's "Fine-tune model on dataset..."): the
// model's own preprocessing plan and network (no replanning that would change the grid
// or the patch), a small learning rate and few epochs, and a model file whose
// provenance records the step (parent, date, cases added: model/api/ModelVersion.h).
// Torch-free header.

#include <cstdint>
#include <functional>
#include <string>

#include "pipeline/Trainer.h"
#include "core/Progress.h"
#include "io/NnUNetDataset.h"
#include "model/api/ModelMetadata.h"
#include "model/api/TrainingPlan.h"

namespace aunet::pipeline {

// Fine-tuning's defaults (docs/training.md): a few short epochs at a tenth of a fresh
// run's learning rate, so the corrections teach without erasing what the model knew.
struct FineTuningDefaults {
  static constexpr int kEpochs = 4;
  static constexpr int kIterationsPerEpoch = 20;
  static constexpr double kLearningRate = 1e-3;
};

// The plan for training `parent` further on `dataset`: the parent's preprocessing plan
// (orientation, spacing, patch, normalization) and network channels unchanged, the
// fine-tuning defaults above, validation after the last epoch only.
model::TrainingPlan keptPlan(const model::ModelMetadata& parent, const io::NnUNetDataset& dataset);

// Whether `dataset` was created from this model (`aunet dataset create -m`, the viewer),
// or from one of its ancestors (a model fine-tuned again on the same dataset): then
// fine-tuning keeps the plan by default.
bool datasetMadeFrom(const io::NnUNetDataset& dataset, const std::string& parentPath, const model::ModelMetadata& parent);

// Refuses (core::Error naming dataset.json) a dataset whose channels or label values
// differ from the model's: fine-tuning keeps the model's inputs and outputs.
void checkDatasetFitsModel(const io::NnUNetDataset& dataset, const model::ModelMetadata& parent,
                           const std::string& parentPath);

// What the fine-tuned model's file starts from: the parent's labels (names, colours,
// codes), channel names and plan, a description naming the parent, and the parent's
// history plus this step (cases added: the dataset's cases no earlier step listed).
model::ModelMetadata fineTunedMetadata(const model::ModelMetadata& parent, const std::string& parentPath,
                                       const io::NnUNetDataset& dataset, int epochs);

struct FineTuneOptions {
  std::string dataset;     // the dataset folder
  std::string model;       // the parent model file (a resolved path)
  std::string runDir;      // the run folder; its model.aunet is the result
  int epochs = 0;          // 0: FineTuningDefaults
  int iterationsPerEpoch = 0;
  double learningRate = 0.0;
  std::string device = "auto";
  uint64_t seed = 12345;
  std::function<void(const IterationProgress&)> onIteration;
  std::function<void(const EpochRecord&)> onEpoch;
  const core::CancellationToken* cancel = nullptr;  // polled every step: throws core::Cancelled
};

// The whole fine-tuning: checks the dataset (pipeline/DatasetChecker.h) and that it
// fits the model, prepares every case, trains on all of them with the kept plan, and
// writes runDir/model.aunet. Throws core::Error on bad input.
TrainingResult fineTune(const FineTuneOptions& options);

}  // namespace aunet::pipeline
