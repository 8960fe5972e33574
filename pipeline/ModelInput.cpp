#include "pipeline/ModelInput.h"

#include "pipeline/PlanNormalization.h"

namespace aunet::pipeline {

core::Volume modelInput(const core::Volume& image, const imaging::ModelSpace& space,
                        const model::IntensityNormalization& normalization, const std::string& what) {
  core::Volume work = space.toModel(image);
  applyPlanNormalization(work, normalization, what);
  return work;
}

}  // namespace aunet::pipeline
