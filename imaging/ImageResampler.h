#pragma once
// Moving images and label maps between grids through physical (LPS) space. Plain
// C++ (no ITK): for each output voxel centre, the physical point is mapped to a
// continuous index of the input. Points farther than half a voxel outside the
// input get `outside` (0 for labels).

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::imaging {

enum class Interpolation {
  Nearest,  // the input voxel whose centre is closest (ties round up)
  Linear,   // trilinear between the 8 surrounding voxel centres (edges clamped)
};

// How label maps are moved between grids.
enum class LabelInterpolation {
  Nearest,         // the nearest input voxel's label (what resample(labels, target) does)
  // Each label's one-hot indicator interpolated trilinearly, then the label with the
  // largest weight (ties: the smaller label). Smoother boundaries than nearest,
  // especially when upsampling; never invents a label that is not among the 8
  // surrounding voxels.
  PerLabelLinear,
};

// Every channel of `volume` on `target`'s grid. Metadata and originalType are kept.
core::Volume resample(const core::Volume& volume, const core::Geometry& target,
                      Interpolation interpolation = Interpolation::Linear, float outside = 0.0f);

// Nearest neighbour: labels are never blended.
core::LabelMap resample(const core::LabelMap& labels, const core::Geometry& target);
// With a choice of label interpolation; labels are never blended either way.
core::LabelMap resample(const core::LabelMap& labels, const core::Geometry& target, LabelInterpolation interpolation);

// The grid covering the same field of view (outer voxel edges) with new spacing:
// size = round(extent / spacing), at least 1, same direction; the corner of the
// first voxel stays in place.
core::Geometry withSpacing(const core::Geometry& geometry, const core::Vec3& spacing);

inline core::Volume resampleToSpacing(const core::Volume& volume, const core::Vec3& spacing,
                                      Interpolation interpolation = Interpolation::Linear) {
  return resample(volume, withSpacing(volume.geometry(), spacing), interpolation);
}
inline core::LabelMap resampleToSpacing(const core::LabelMap& labels, const core::Vec3& spacing) {
  return resample(labels, withSpacing(labels.geometry(), spacing));
}
inline core::LabelMap resampleToSpacing(const core::LabelMap& labels, const core::Vec3& spacing,
                                        LabelInterpolation interpolation) {
  return resample(labels, withSpacing(labels.geometry(), spacing), interpolation);
}

}  // namespace aunet::imaging
