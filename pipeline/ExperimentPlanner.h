#pragma once
// Turns a dataset fingerprint into a training plan, with nnU-Net's rules simplified:
//  - target spacing: the median spacing per axis; when the median's largest/smallest
//    ratio exceeds 3 (anisotropic data), the low-resolution axis takes the 10th
//    percentile of its spacings instead (less interpolation across thick slices);
//  - 2D when every case has one slice, 3D otherwise;
//  - patch size: the median cropped shape at the target spacing, shrunk uniformly
//    until it fits the voxel budget, then rounded up to a multiple of 2^(levels-1)
//    with levels (2..5) chosen so the smallest patch axis is pooled down to >= 4;
//  - batch size: 2 in 3D; in 2D as many slices as fit the 2D budget (2..32);
//  - normalization: "ct" (foreground 0.5/99.5 percentile clip, mean, std per
//    channel) when every channel is named CT, "zscore" otherwise;
//  - intensity randomization (issue 28) on when the cases mix spacings (on some axis
//    the largest spacing is more than twice the smallest) or contrasts (channel 0's
//    foreground contrast signature spans more than 1.0 across cases; not for CT,
//    whose units are absolute). `aunet train --intensity-randomization` overrides.
// Torch-free.

#include <cstdint>
#include <string>

#include "pipeline/DatasetFingerprint.h"
#include "io/NnUNetDataset.h"
#include "model/api/TrainingPlan.h"

namespace aunet::pipeline {

struct PlannerOptions {
  int64_t voxelBudget3d = int64_t{128} * 128 * 128;  // patch voxels in 3D
  int64_t voxelBudget2d = int64_t{512} * 512;        // patch pixels in 2D
  int64_t batchBudget2d = int64_t{12} * 256 * 256;   // batch * patch pixels in 2D
  int baseChannels = 16;                             // features at level 0, doubled per level
  int maxChannels = 320;
};

// Whether a dataset mixes spacings or contrasts (the rule above), and why, in words.
bool mixesContrastsOrSpacings(const io::NnUNetDataset& dataset, const DatasetFingerprint& fingerprint,
                              std::string* reason = nullptr);

model::TrainingPlan planExperiment(const io::NnUNetDataset& dataset, const DatasetFingerprint& fingerprint,
                                   const PlannerOptions& options = {});

}  // namespace aunet::pipeline
