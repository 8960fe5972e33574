#pragma once
// nnU-Net-style sliding-window inference over an image of any size: overlapping
// patches, several per forward pass, blended with a Gaussian importance map, with
// optional mirroring test-time augmentation. The network is any function from a
// [B, C, *patch] batch to logits (and optionally attention maps), so tests can use an
// identity "network". Accumulation happens on the image's device, and memory grows
// with the image (classes + 1 accumulators, plus one per attention map), never with
// the number of windows.

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "core/Progress.h"

namespace aunet::model {

struct PredictorOutput {
  torch::Tensor logits;                 // [B, K, *patch]
  std::vector<torch::Tensor> attention;  // optional, each [B, 1, *any size]; resized to the patch here
};
using Predictor = std::function<PredictorOutput(const torch::Tensor& batch)>;

struct SlidingWindowOptions {
  // Spatial patch size in tensor order ([D, H, W] or [H, W]). Empty: the whole image
  // in one window, padded up to a multiple of sizeDivisor.
  std::vector<int64_t> patchSize;
  int64_t sizeDivisor = 1;
  double overlap = 0.5;   // fraction of a patch shared by neighbours, in [0, 1)
  int64_t batch = 2;      // windows per forward pass
  bool mirror = false;    // test-time augmentation: average over flipped inputs
  // Spatial axes (0-based, tensor order) whose flips are combined; empty = all axes.
  // Every non-empty subset is one extra forward pass (3 for 2D, 7 for 3D).
  std::vector<int64_t> mirrorAxes;
  bool softmax = true;          // blend softmax probabilities (false: the raw logits)
  bool withAttention = false;   // also blend the predictor's attention maps
  double sigmaScale = 1.0 / 8.0;  // Gaussian sigma as a fraction of the patch
};

struct SlidingWindowResult {
  torch::Tensor probabilities;          // [K, *image size] on the image's device
  std::vector<torch::Tensor> attention;  // each [*image size] on the image's device, empty unless requested
  int64_t windows = 0;                  // windows evaluated (mirrors not counted)
  int64_t forwardPasses = 0;            // predictor calls
  double networkSeconds = 0.0;          // wall time inside the predictor
};

class SlidingWindowInferer {
 public:
  // Throws core::Error when the options are invalid.
  explicit SlidingWindowInferer(SlidingWindowOptions options);

  // image: [C, *S] (2 or 3 spatial axes), any device. Inputs smaller than the patch
  // are zero-padded (centred) and cropped back. Runs under torch::InferenceMode.
  // progress gets the fraction of windows done (stage "inference"); `cancel` is
  // checked between forward passes (throws core::Cancelled).
  SlidingWindowResult run(const torch::Tensor& image, const Predictor& predictor,
                          const core::ProgressCallback& progress = {},
                          const core::CancellationToken* cancel = nullptr) const;

  const SlidingWindowOptions& options() const { return options_; }

 private:
  SlidingWindowOptions options_;
};

}  // namespace aunet::model
