#pragma once
// Draws training samples from prepared cases: nnU-Net's foreground oversampling (a
// fraction of patches centred on a voxel of a random class present in the case,
// the rest anywhere), then the plan's augmentation (TrainingAugmenter). A sample
// depends only on its seed (sampleSeed(run seed, epoch, iteration, global sample
// index)), so the same global sample is the same patch whichever thread, batch
// split or process draws it: resuming and data parallelism rely on this.

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "pipeline/TrainingAugmenter.h"
#include "pipeline/TrainingPreprocessor.h"

namespace aunet::pipeline {

// One prepared case as tensors on the device that samples from it.
struct CaseTensors {
  torch::Tensor image;                           // [C, *S] float
  torch::Tensor labels;                          // [*S] int64
  std::vector<int64_t> shape;                    // *S
  std::vector<std::vector<int64_t>> foreground;  // per class (index = label value): flat voxel indices, at most 10000
  // Synthetic images only (pipeline/GenerationLabels.h): labels 0..classes-1 where the
  // case has a label, classes + context class elsewhere; undefined when unused.
  torch::Tensor generation;                      // [*S] int64
  int64_t generationCount = 0;                   // labels in `generation`
};
CaseTensors makeCaseTensors(const TrainingCase& c, int spatialDims, int classes, uint64_t seed, torch::Device device);

struct TrainingBatch {
  torch::Tensor image;   // [B, C, *P] float
  torch::Tensor labels;  // [B, *P] int64
};

class PatchSampler {
 public:
  PatchSampler(std::vector<CaseTensors> cases, std::vector<int64_t> patch, int classes, double foregroundFraction,
               TrainingAugmenter augmenter);

  // One augmented sample into imageOut [C, *P] / labelOut [*P] (on the cases' device).
  void sample(uint64_t seed, torch::Tensor imageOut, torch::Tensor labelOut) const;
  // Samples seeds[b] into batch row b.
  TrainingBatch batch(const std::vector<uint64_t>& seeds) const;

  static uint64_t sampleSeed(uint64_t runSeed, int epoch, int iteration, int64_t sample);
  int channels() const { return static_cast<int>(cases_.front().image.size(0)); }

 private:
  std::vector<CaseTensors> cases_;
  std::vector<int64_t> patch_;
  int classes_;
  double foregroundFraction_;
  TrainingAugmenter augmenter_;
};

}  // namespace aunet::pipeline
