#pragma once
// model::FineTuner on top of pipeline::fineTune (FineTuning.h): the implementation the
// viewer's main hands to the GUI. Torch-free header.

#include "model/api/FineTuner.h"

namespace aunet::pipeline {

class ModelFineTuner final : public model::FineTuner {
 public:
  std::string fineTune(const model::FineTuneRequest& request,
                       const std::function<void(const model::FineTuneProgress&)>& progress,
                       const core::CancellationToken* cancel) override;
};

}  // namespace aunet::pipeline
