#pragma once
// The one mapping between an image's grid and the grid a model sees, used by
// segmentation, training preprocessing, the memory estimate and the viewer, so a case
// is seen on the same grid at training and at segmentation time:
//   1. orientation: the plan's axis order and signs (an exact permutation/flip). A 2D
//      plan keeps a single-slice image as it is when reorienting would move its slice
//      axis;
//   2. spacing: the plan's target spacing (in-plane only for a 2D plan), through
//      withSpacing(): the outer corner of the first voxel and the field of view kept;
//   3. a training crop is a box of that grid (boxOnGrid), never a grid of its own.
// The way back: an exact permutation when nothing was resampled, else resampling onto
// the input grid. Std-only (the viewer uses it without Torch).

#include <cstdint>
#include <string>
#include <vector>

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "core/Volume.h"
#include "imaging/ForegroundCrop.h"

namespace aunet::imaging {

// The torch-free part of a model's plan that decides its grid.
struct ModelGridPlan {
  int spatialDims = 3;                 // 2: only the in-plane axes are resampled
  std::string orientation;             // ITK code ("RAI"); empty keeps the input's
  std::vector<double> targetSpacing;   // mm per axis (i, j, k); empty keeps the input's
  std::vector<int64_t> patchSize;      // network window (i, j, k); empty: the whole grid

  // From a model file's preprocessing plan (model::PreprocessingPlan: orientation,
  // target_spacing, patch_size), which imaging cannot name: pipeline and gui both
  // convert through this one function.
  template <typename PreprocessingPlan>
  static ModelGridPlan of(const PreprocessingPlan& plan, int spatialDims) {
    return {spatialDims, plan.orientation, plan.target_spacing, plan.patch_size};
  }
};

class ModelSpace {
 public:
  ModelSpace(const core::Geometry& input, const ModelGridPlan& plan);

  const core::Geometry& input() const { return input_; }
  // The input's axes in the plan's orientation (same voxels, permuted).
  const core::Geometry& oriented() const { return oriented_; }
  bool reorients() const { return reorients_; }
  // What the network sees: oriented() at the plan's spacing.
  const core::Geometry& grid() const { return grid_; }
  bool resamples() const { return resamples_; }
  // Voxels the network runs on: the grid, padded up to one patch along each axis.
  int64_t paddedVoxelCount() const;

  // The box of grid() whose voxels see any voxel of `orientedBox` (a box of
  // oriented()) through linear interpolation: outside it, an image that is zero
  // outside `orientedBox` is exactly zero on grid() too. The training crop.
  CropBox boxOnGrid(const CropBox& orientedBox) const;

  // Image -> model grid: reoriented exactly, then resampled (linear for images,
  // per-label linear for labels) onto grid(), or onto the part of it in `box`.
  core::Volume orient(const core::Volume& image) const;
  core::LabelMap orient(const core::LabelMap& labels) const;
  core::Volume toModel(const core::Volume& image) const;
  core::Volume toModel(const core::Volume& orientedImage, const CropBox& box) const;
  core::LabelMap toModel(const core::LabelMap& orientedLabels, const CropBox& box) const;

  // Model grid -> input grid: the exact inverse permutation when nothing was
  // resampled, else linear (images) or nearest (labels) resampling. The result
  // carries input() exactly.
  core::Volume toInput(const core::Volume& onGrid) const;
  core::LabelMap toInput(const core::LabelMap& onGrid) const;

 private:
  core::Geometry input_, oriented_, grid_;
  ModelGridPlan plan_;
  bool reorients_ = false;
  bool resamples_ = false;
};

}  // namespace aunet::imaging
