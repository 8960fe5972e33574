#pragma once
// The torch-free face of fine-tuning a model on a dataset of corrections: what the
// viewer's "Fine-tune model on dataset..." calls. The viewer's main hands in the
// implementation (pipeline/ModelFineTuner.h: the same code as `aunet train
// --init-from MODEL --keep-plan`), so the GUI never sees Torch.

#include <functional>
#include <string>

#include "core/Progress.h"

namespace aunet::model {

struct FineTuneRequest {
  std::string dataset;         // nnU-Net dataset folder (made with `aunet dataset create` or the viewer)
  std::string model;           // the model to start from (a file path)
  std::string runDir;          // where the run folder goes; runDir/model.aunet is the new model
  int epochs = 0;              // 0: fine-tuning's defaults (docs/training.md)
  int iterationsPerEpoch = 0;
  std::string device = "auto";
};

// After every training step.
struct FineTuneProgress {
  int epoch = 0, epochs = 0;          // 1-based
  int iteration = 0, iterations = 0;  // within the epoch, 1-based
  double loss = 0.0;                  // the epoch's mean training loss so far
};

class FineTuner {
 public:
  virtual ~FineTuner() = default;
  // Runs on the caller's thread; returns the new model file's path. Throws core::Error
  // on bad input and core::Cancelled when `cancel` is set.
  virtual std::string fineTune(const FineTuneRequest& request, const std::function<void(const FineTuneProgress&)>& progress,
                               const core::CancellationToken* cancel) = 0;
};

}  // namespace aunet::model
