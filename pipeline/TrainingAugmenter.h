#pragma once
// Data augmentation for training patches, on tensors, on whatever device the case
// tensors live (the training device): rotation, scaling and a smooth random
// deformation in one resampling of the case around the patch centre (images
// linear, labels nearest), then Gaussian noise, Gaussian blur, brightness,
// contrast, gamma and mirroring, and (issue 28) intensity domain randomization and
// images synthesized from label maps (pipeline/IntensityRandomization.h). Rotations act in physical space (the case's voxel
// spacing), and on strongly anisotropic data (ratio > 3) only within the
// high-resolution plane, as nnU-Net does. Every random number comes from the
// caller's generator (and CPU generators seeded from it), so one sample seed gives
// one result on any thread.

#include <torch/types.h>

#include <cstdint>
#include <random>
#include <vector>

#include "model/api/AugmentationPlan.h"

namespace aunet::pipeline {

// Maps an output voxel's offset from the patch centre to a source offset (voxels,
// tensor order), plus an optional smooth displacement field [dims, *patch].
struct SpatialTransform {
  bool active = false;
  std::vector<double> matrix;  // dims x dims, row-major
  torch::Tensor displacement;  // undefined when there is none
};

class TrainingAugmenter {
 public:
  // spacing: mm per voxel in tensor order ([D,] H, W), all cases share it.
  TrainingAugmenter(model::AugmentationPlan plan, std::vector<int64_t> patch, std::vector<double> spacing);

  // The spatial part for one sample: inactive (a plain crop) unless a rotation,
  // scaling or deformation is drawn.
  SpatialTransform drawSpatial(std::mt19937_64& rng) const;

  // Resamples image [C, *S] and labels [*S] (int64) around `centre` (voxel
  // coordinates, tensor order) into imageOut [C, *P] and labelOut [*P]; outside the
  // case is zero. Reads only the region the transformed patch can reach.
  void resample(const torch::Tensor& image, const torch::Tensor& labels, const std::vector<double>& centre,
                const SpatialTransform& transform, torch::Tensor imageOut, torch::Tensor labelOut) const;

  // Intensity randomization (per channel: curve, bias field, low resolution; each with
  // the plan's probability), then noise, blur, brightness, contrast, gamma (image only)
  // and mirroring (both), in place.
  void applyIntensityAndMirror(torch::Tensor image, torch::Tensor labels, std::mt19937_64& rng) const;

  // SynthSeg's generative model: imageOut [C, *P] drawn from generation labels [*P]
  // (values 0..count-1): a random mean and spread per label and channel (a Gaussian
  // mixture), then blur, low resolution (p 0.5), bias field (p 0.5) and noise, and
  // standardized to mean 0, std 1 per channel like a z-scored image.
  void synthesize(const torch::Tensor& generation, int64_t count, torch::Tensor imageOut, std::mt19937_64& rng) const;

  const model::AugmentationPlan& plan() const { return plan_; }

 private:
  // Curve, bias field and low resolution on channel c of image, each with its probability.
  void randomizeChannel(torch::Tensor image, int64_t c, double remap, double bias, double lowRes,
                        std::mt19937_64& rng) const;

  model::AugmentationPlan plan_;
  std::vector<int64_t> patch_;
  std::vector<double> spacing_;
  int dims_;
  bool anisotropic_;    // largest / smallest spacing > 3
  size_t lowResAxis_;   // the coarsest axis
};

}  // namespace aunet::pipeline
