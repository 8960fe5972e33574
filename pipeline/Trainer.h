#pragma once
// The training loop of `aunet train` on prepared cases (TrainingPreprocessor.h):
// patches sampled with foreground oversampling and augmented on the training device
// (PatchSampler, TrainingAugmenter) by a background thread (BatchPrefetcher),
// Dice + cross-entropy over the deep supervision outputs, SGD (Nesterov 0.99, poly
// LR) or AdamW, gradient clipping, optional mixed precision on CUDA, data
// parallelism across processes (model/DataParallelGroup.h), sliding-window
// validation Dice per label, and a run folder (rank 0 writes it):
//   progress.json           epoch history (atomic), the resume marker
//   metrics.csv             the same as a table
//   training_curves.png     loss and validation Dice per label by epoch (and the mean
//                           Dice of every extra validation set)
//   plan.json               the training plan (a resumed run reuses it)
//   checkpoint_last.aunet   weights after the last finished epoch (atomic)
//   checkpoint_last.optim   optimizer state beside it (atomic)
//   model.aunet             the best validation Dice so far (atomic)
// Every sample's randomness comes from (seed, epoch, iteration, global sample
// index), so a resumed run follows the path of one never interrupted, and N
// processes with batch B train as one process with batch N x B.
// Torch-free header.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/TrainingPreprocessor.h"
#include "core/Progress.h"
#include "model/api/ModelMetadata.h"
#include "model/api/TrainingPlan.h"

namespace aunet::model {
class DataParallelGroup;
}

namespace aunet::pipeline {

struct EpochRecord {
  int epoch = 0;                  // 1-based
  double trainLoss = 0.0;         // mean over the epoch's iterations
  std::vector<double> dice;       // per foreground label, empty when not validated
  double meanDice = -1.0;         // -1 when not validated
  double learningRate = 0.0;
  double seconds = 0.0;
  double trainSeconds = 0.0;      // the training steps alone (seconds less validation and checkpoint)
  double dataWaitFraction = 0.0;  // share of the training steps spent waiting for batches
  // Extra validation datasets (TrainerOptions::extraValidation), in their order; empty
  // when not validated this epoch.
  std::vector<std::vector<double>> extraDice;  // per set, per foreground label
  std::vector<double> extraMeanDice;           // per set
};

// Cases of another dataset validated after every validation, each its own log line,
// columns and curve (`aunet train --val-dataset NAME=DIR`); they never choose the model.
struct ValidationSet {
  std::string name;
  std::vector<TrainingCase> cases;
};

// Reported after every training step (progress bars).
struct IterationProgress {
  int epoch = 0, epochs = 0;
  int iteration = 0, iterations = 0;  // 1-based
  double meanLoss = 0.0;              // over the epoch so far
  double epochSeconds = 0.0;          // since the epoch started
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
  std::function<void(const IterationProgress&)> onIteration;  // after each step (rank 0)
  const core::CancellationToken* cancel = nullptr;  // polled every step: throws core::Cancelled (the last checkpoint stays)
  int prefetchBatches = 2;        // batches prepared ahead by the loader thread
  std::vector<ValidationSet> extraValidation;  // other datasets (scanners, contrasts) to watch
  // Data parallelism: this process's rank and the group (nullptr: one process).
  // plan.batch_size is per process.
  std::shared_ptr<model::DataParallelGroup> group;
  double bucketMegabytes = 25.0;      // gradients per all-reduce (PyTorch DDP's default)
  std::string gradientWire = "fp32";  // fp32 or bf16: the gradients' type during the all-reduce
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

}  // namespace aunet::pipeline
