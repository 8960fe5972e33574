#pragma once
// Prepares nnU-Net training cases once per run, exactly as SegmentationPipeline
// prepares an image at inference: the plan's orientation, crop to the image's
// non-zero region (nnU-Net's crop; it removes only zeros, so the z-score's non-zero
// statistics are unchanged), resampling to the target spacing (images linear, labels
// per-label linear; a 2D plan keeps the slice spacing) and the plan's intensity
// normalization (pipeline/PlanNormalization.h). Torch-free.

#include <string>
#include <vector>

#include "io/NnUNetDataset.h"
#include "core/LabelMap.h"
#include "core/Volume.h"
#include "model/api/TrainingPlan.h"

namespace aunet::pipeline {

struct TrainingCase {
  std::string id;
  core::Volume image;      // every channel, normalized, on the training grid
  core::LabelMap labels;   // on image's grid
  // Context labels for synthetic images (labelsContext/, issue 28) on image's grid;
  // empty (no voxels) when the dataset has none for this case.
  core::LabelMap context;
};

// Reads and prepares one case (all channels stacked in channel order). Errors name the file.
TrainingCase preprocessTrainingCase(const io::NnUNetCase& source, const model::TrainingPlan& plan);

// Which training cases validate: "all" (every case trains and validates; for tiny
// datasets) or fold k of 5, cases shuffled by `seed`. With fewer cases than folds
// a fold may be empty; then every case trains and validates. Returns indices.
struct FoldSplit {
  std::vector<size_t> train;
  std::vector<size_t> validation;
};
FoldSplit splitFold(size_t cases, const std::string& fold, uint64_t seed);

// Fold k of a split file in nnU-Net's splits_final.json format: a JSON list of
// {"train": [case ids], "val": [case ids]}. Every id must be one of `ids`; a case
// in neither list is left out. Throws core::Error(path: reason).
FoldSplit splitFromFile(const std::string& path, const std::string& fold, const std::vector<std::string>& ids);

}  // namespace aunet::pipeline
