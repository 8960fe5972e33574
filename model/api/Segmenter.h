#pragma once
// The torch-free face of segmentation: what the viewer (and anything else without
// LibTorch headers) calls. app/ provides the implementation (the same pipeline as
// `aunet segment`), so the GUI and the CLI give identical masks.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "core/Progress.h"
#include "core/Volume.h"
#include "model/api/ModelMetadata.h"

namespace aunet::model {

struct SegmentationSettings {
  std::string device = "auto";      // auto, cpu, cuda, cuda:N
  double overlap = 0.5;             // sliding-window overlap in [0, 1)
  int batch = 2;                    // windows per forward pass
  bool testTimeAugmentation = false;  // mirroring
  std::string precision = "auto";   // autocast: auto (bf16 on CUDA and on CPUs with native bf16, else fp32), off, bf16, fp16
  bool postprocess = true;          // keep largest components where the plan says so
  bool withAttention = false;       // return each gate's alpha map on the input grid
  bool withProbabilities = false;   // return per-class probabilities on the input grid
};

struct SegmentationResult {
  core::LabelMap labels;                  // on the input image's grid
  std::vector<core::Volume> attention;    // one per gated level, on the input grid, values in [0, 1]
  std::vector<int64_t> attentionLevels;   // attention[i] belongs to this level
  core::Volume probabilities;             // one channel per class, empty unless requested
  // Where the time went (wall seconds): the stages add up to totalSeconds, up to the
  // checks before the first; networkSeconds is the part of inference inside the network.
  double preprocessingSeconds = 0.0;   // orientation, spacing, intensities, copy to the device
  double inferenceSeconds = 0.0;       // the sliding window: network and blending of the windows
  double postprocessingSeconds = 0.0;  // labels, back onto the input grid, components, attention maps
  double networkSeconds = 0.0;         // time inside the network
  double totalSeconds = 0.0;
};

class Segmenter {
 public:
  virtual ~Segmenter() = default;
  virtual const ModelMetadata& metadata() const = 0;
  // Throws core::Error on bad input (e.g. wrong channel count) and core::Cancelled
  // when `cancel` is set.
  virtual SegmentationResult segment(const core::Volume& image, const SegmentationSettings& settings,
                                     const core::ProgressCallback& progress = {},
                                     const core::CancellationToken* cancel = nullptr) = 0;
};

}  // namespace aunet::model
