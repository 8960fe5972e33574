#pragma once
// The training loop of `aunet train` on prepared cases (TrainingPreprocessor.h):
// patches sampled with foreground oversampling, flips / brightness / contrast /
// noise augmentation on tensors, Dice + cross-entropy over the deep supervision
// outputs, SGD (Nesterov 0.99, poly LR) or AdamW, gradient clipping, sliding-window
// validation Dice per label, and a run folder:
//   progress.json           epoch history (atomic), the resume marker
//   metrics.csv             the same as a table
//   plan.json               the training plan (a resumed run reuses it)
//   checkpoint_last.aunet   weights after the last finished epoch (atomic)
//   checkpoint_last.optim   optimizer state beside it (atomic)
//   model.aunet             the best validation Dice so far (atomic)
// Each epoch reseeds its random generators from (seed, epoch), so a run resumed
// from a checkpoint follows the same path as one that was never interrupted.
// Torch-free header.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/pipeline/TrainingPreprocessor.h"
#include "model/api/ModelMetadata.h"
#include "model/api/TrainingPlan.h"

namespace aunet::app {

struct EpochRecord {
  int epoch = 0;                  // 1-based
  double trainLoss = 0.0;         // mean over the epoch's iterations
  std::vector<double> dice;       // per foreground label, empty when not validated
  double meanDice = -1.0;         // -1 when not validated
  double learningRate = 0.0;
  double seconds = 0.0;
};

struct TrainerOptions {
  model::TrainingPlan plan;
  model::ModelMetadata metadata;  // labels, description; plan and provenance are filled in
  std::string runDir;
  std::string device = "auto";
  uint64_t seed = 12345;
  bool resume = false;            // continue from runDir's last checkpoint
  std::string initFrom;           // a .aunet whose matching weights start the run
  bool freezeEncoder = false;     // encoder0.. stay as initialized
  std::function<void(const EpochRecord&)> onEpoch;  // after each epoch (logging, tests)
};

struct TrainingResult {
  std::vector<EpochRecord> history;  // every epoch, resumed ones included
  double bestDice = -1.0;
  int bestEpoch = 0;
  std::string modelPath;             // runDir/model.aunet
};

// Trains on `train`, validates on `validation` (may be the same cases). Throws
// core::Error on bad input or a non-finite loss (the last checkpoint is kept).
TrainingResult trainModel(const TrainerOptions& options, const std::vector<TrainingCase>& train,
                          const std::vector<TrainingCase>& validation);

}  // namespace aunet::app
