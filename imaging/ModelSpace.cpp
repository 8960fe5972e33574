#include "imaging/ModelSpace.h"

#include <algorithm>
#include <cmath>

#include "imaging/ImageResampler.h"
#include "imaging/Reorientation.h"

namespace aunet::imaging {

namespace {

constexpr double kSameGrid = 1e-6;  // grids closer than this are the same grid

}  // namespace

ModelSpace::ModelSpace(const core::Geometry& input, const ModelGridPlan& plan)
    : input_(input), oriented_(input), grid_(input), plan_(plan) {
  if (!plan.orientation.empty() && plan.orientation != input.orientationCode()) {
    const core::Geometry turned = reorientedGeometry(input, plan.orientation);
    // A 2D model keeps a single slice in its own orientation rather than turn it on its side.
    if (plan.spatialDims != 2 || turned.size[2] == 1) {
      oriented_ = turned;
      reorients_ = true;
    }
  }
  grid_ = oriented_;
  if (!plan.targetSpacing.empty()) {
    core::Vec3 spacing = oriented_.spacing;
    const size_t axes = std::min<size_t>(plan.targetSpacing.size(), plan.spatialDims == 2 ? 2 : 3);
    for (size_t a = 0; a < axes; ++a) spacing[a] = plan.targetSpacing[a];
    const core::Geometry target = withSpacing(oriented_, spacing);
    if (!target.sameGrid(oriented_, kSameGrid)) {
      grid_ = target;
      resamples_ = true;
    }
  }
}

int64_t ModelSpace::paddedVoxelCount() const {
  int64_t voxels = 1;
  for (size_t a = 0; a < 3; ++a) {
    int64_t extent = grid_.size[a];
    if (a < plan_.patchSize.size() && static_cast<int>(a) < plan_.spatialDims)
      extent = std::max(extent, plan_.patchSize[a]);
    voxels *= std::max<int64_t>(1, extent);
  }
  return voxels;
}

CropBox ModelSpace::boxOnGrid(const CropBox& orientedBox) const {
  if (!resamples_) return orientedBox;
  CropBox box;
  for (size_t a = 0; a < 3; ++a) {
    // grid() shares oriented()'s axes: along axis a, model voxel m lies at oriented
    // index u(m) = u0 + m * step. Linear interpolation at u reads voxels floor(u) and
    // floor(u) + 1, so it sees the box [b, e) when b - 1 < u < e.
    double u0 = 0.0;
    for (size_t r = 0; r < 3; ++r) u0 += oriented_.direction[r * 3 + a] * (grid_.origin[r] - oriented_.origin[r]);
    u0 /= oriented_.spacing[a];
    const double step = grid_.spacing[a] / oriented_.spacing[a];
    const double b = static_cast<double>(orientedBox.begin[a]);
    const double e = static_cast<double>(orientedBox.begin[a] + orientedBox.size[a]);
    constexpr double kSlack = 1e-6;  // include voxels on the edge: extra zeros are harmless
    const int64_t first = static_cast<int64_t>(std::floor((b - 1.0 - u0) / step - kSlack)) + 1;
    const int64_t last = static_cast<int64_t>(std::ceil((e - u0) / step + kSlack)) - 1;
    const int64_t lo = std::clamp<int64_t>(first, 0, grid_.size[a] - 1);
    const int64_t hi = std::clamp<int64_t>(last, lo, grid_.size[a] - 1);
    box.begin[a] = lo;
    box.size[a] = hi - lo + 1;
  }
  return box;
}

core::Volume ModelSpace::orient(const core::Volume& image) const {
  return reorients_ ? reorient(image, plan_.orientation) : image;
}

core::LabelMap ModelSpace::orient(const core::LabelMap& labels) const {
  return reorients_ ? reorient(labels, plan_.orientation) : labels;
}

core::Volume ModelSpace::toModel(const core::Volume& image) const {
  core::Volume oriented = orient(image);
  if (!resamples_) return oriented;
  return resample(oriented, grid_, Interpolation::Linear);
}

core::Volume ModelSpace::toModel(const core::Volume& orientedImage, const CropBox& box) const {
  if (!resamples_) return crop(orientedImage, box);
  return resample(orientedImage, croppedGeometry(grid_, box), Interpolation::Linear);
}

core::LabelMap ModelSpace::toModel(const core::LabelMap& orientedLabels, const CropBox& box) const {
  if (!resamples_) return crop(orientedLabels, box);
  return resample(orientedLabels, croppedGeometry(grid_, box), LabelInterpolation::PerLabelLinear);
}

core::Volume ModelSpace::toInput(const core::Volume& onGrid) const {
  core::Volume out;
  if (!resamples_) out = reorients_ ? reorient(onGrid, input_.orientationCode()) : onGrid;
  // An oblique grid's permutation may not land exactly: then resample, as for spacing.
  if (resamples_ || !out.geometry().sameGrid(input_)) out = resample(onGrid, input_, Interpolation::Linear);
  out.geometry() = input_;
  return out;
}

core::LabelMap ModelSpace::toInput(const core::LabelMap& onGrid) const {
  core::LabelMap out;
  if (!resamples_) out = reorients_ ? reorient(onGrid, input_.orientationCode()) : onGrid;
  if (resamples_ || !out.geometry().sameGrid(input_)) out = resample(onGrid, input_);
  out.geometry() = input_;
  return out;
}

}  // namespace aunet::imaging
