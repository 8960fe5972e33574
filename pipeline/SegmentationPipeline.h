#pragma once
// The one segmentation pipeline: `aunet segment` and the viewer both run it, so they
// give identical masks. Applies the model file's plan (orientation, spacing,
// intensity normalization), runs sliding-window inference, and brings labels,
// probabilities and attention maps back onto the input image's exact grid.
// Torch-free header (pimpl) so the viewer's main can hand it to the GUI as a
// model::Segmenter.

#include <memory>
#include <string>

#include "model/api/Segmenter.h"

namespace aunet::pipeline {

class SegmentationPipeline : public model::Segmenter {
 public:
  // Loads the .aunet file (onto the CPU; the network moves to the device a
  // segment() call asks for). Throws core::Error naming the file.
  explicit SegmentationPipeline(const std::string& modelPath);
  ~SegmentationPipeline() override;
  SegmentationPipeline(const SegmentationPipeline&) = delete;
  SegmentationPipeline& operator=(const SegmentationPipeline&) = delete;

  const model::ModelMetadata& metadata() const override;

  // Steps: reorient to the plan's orientation; resample (linear) to its target
  // spacing; normalize intensities; sliding-window inference (settings.overlap,
  // batch, mirroring); probabilities back onto the input grid (exact axis permutation
  // when only reoriented, else linear through physical space) and argmax there;
  // largest-component postprocessing where the plan lists labels. Progress stages:
  // "preprocessing", "inference", "postprocessing". Errors (wrong channel count, a
  // multi-slice image for a 2D model, out of memory) throw core::Error naming the
  // image's source path; cancellation throws core::Cancelled.
  model::SegmentationResult segment(const core::Volume& image, const model::SegmentationSettings& settings,
                                    const core::ProgressCallback& progress = {},
                                    const core::CancellationToken* cancel = nullptr) override;

  // A rough upper bound on the host memory (bytes) segment() needs for an image on
  // `grid` with `channels` channels, the image itself not counted: the largest of the
  // preprocessing copies (reoriented, resampled), the inference stage (input tensor,
  // sliding-window accumulators, the network's activations for one batch) and the
  // postprocessing stage (probabilities on the model and on the input grid, labels,
  // attention maps). Every buffer is counted in host memory, as on the CPU; on a GPU
  // it over-counts host memory. `aunet segment` refuses cases above --max-memory
  // (or above the memory available) with it before running them.
  uint64_t estimateMemoryBytes(const core::Geometry& grid, int channels,
                               const model::SegmentationSettings& settings) const;

  int inputChannels() const;
  int spatialDims() const;
  int numClasses() const;
  // The device the network is on now, e.g. "cpu (2 threads)".
  std::string deviceDescription() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aunet::pipeline
