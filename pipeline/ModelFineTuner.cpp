#include "pipeline/ModelFineTuner.h"

#include "pipeline/FineTuning.h"

namespace aunet::pipeline {

std::string ModelFineTuner::fineTune(const model::FineTuneRequest& request,
                                     const std::function<void(const model::FineTuneProgress&)>& progress,
                                     const core::CancellationToken* cancel) {
  FineTuneOptions options;
  options.dataset = request.dataset;
  options.model = request.model;
  options.runDir = request.runDir;
  options.epochs = request.epochs;
  options.iterationsPerEpoch = request.iterationsPerEpoch;
  options.device = request.device;
  options.cancel = cancel;
  if (progress)
    options.onIteration = [&progress](const IterationProgress& p) {
      progress({p.epoch, p.epochs, p.iteration, p.iterations, p.meanLoss});
    };
  return pipeline::fineTune(options).modelPath;
}

}  // namespace aunet::pipeline
