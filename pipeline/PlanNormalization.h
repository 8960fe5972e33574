#pragma once
// The one mapping from a model plan's normalization scheme to imaging/IntensityNormalizer:
// "zscore" -> normalizeZScore(NonZero) per channel, "ct" -> normalizeCt with the
// plan's per-channel (or shared) clip/mean/std, "none" -> unchanged. Inference
// (SegmentationPipeline) and training both call it, so they can never disagree.
// Torch-free.

#include <string>

#include "core/Volume.h"
#include "model/api/PreprocessingPlan.h"

namespace aunet::pipeline {

// Normalizes every channel of `volume` in place. Throws core::Error naming `what` for
// an unknown scheme or a CT parameter count that does not match the channels.
void applyPlanNormalization(core::Volume& volume, const model::IntensityNormalization& plan, const std::string& what);

}  // namespace aunet::pipeline
