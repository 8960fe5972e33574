#pragma once
// What the network is fed for one image: the image on its ModelSpace grid
// (imaging/ModelSpace.h), normalized by the model's plan. Segmentation feeds it whole;
// training preprocessing feeds the box of it that holds the image. Torch-free.

#include <string>

#include "core/Volume.h"
#include "imaging/ModelSpace.h"
#include "model/api/PreprocessingPlan.h"

namespace aunet::pipeline {

core::Volume modelInput(const core::Volume& image, const imaging::ModelSpace& space,
                        const model::IntensityNormalization& normalization, const std::string& what);

}  // namespace aunet::pipeline
