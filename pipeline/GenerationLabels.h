#pragma once
// The label map a synthetic training image is drawn from (SynthSeg, issue 28): the
// case's labels where it has one, and "context" classes elsewhere, which get their
// own random intensities but are never predicted. Context comes from the dataset's
// labelsContext/ when it has this case, else from a k-means of channel 0's
// intensities (e.g. 3 classes: CSF, grey and white matter, or air, soft tissue, fat).

#include "pipeline/PatchSampler.h"
#include "pipeline/TrainingPreprocessor.h"

namespace aunet::pipeline {

// Fills t.generation ([*S] int64 on t.labels' device) and t.generationCount:
// 0..classes-1 for labelled voxels and background without context, classes + k for
// context class k. contextClasses 0 and no context labels: generation = labels.
void attachGenerationLabels(CaseTensors& t, const TrainingCase& c, int classes, int contextClasses);

}  // namespace aunet::pipeline
