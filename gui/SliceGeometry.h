#pragma once
// How a voxel grid maps onto the screen for one of the three standard views, in
// radiological convention: axial and coronal show the patient's right on the left of
// the screen, sagittal shows anterior on the left; axial has anterior up, coronal and
// sagittal have superior up. Works for any direction matrix by picking, for each
// patient axis, the voxel axis closest to it.

#include <cstdint>

#include "core/Geometry.h"

namespace aunet::gui {

enum class ViewAxis { Axial, Coronal, Sagittal };

struct SliceGeometry {
  int horizontalAxis = 0;  // voxel axis that runs along screen x
  int verticalAxis = 1;    // voxel axis that runs along screen y
  int normalAxis = 2;      // voxel axis the slice index walks along
  bool flipHorizontal = false;  // screen x grows as the voxel index falls
  bool flipVertical = false;
  int64_t width = 1, height = 1, depth = 1;
  double horizontalSpacing = 1.0, verticalSpacing = 1.0;  // mm per screen pixel

  static SliceGeometry forView(const core::Geometry& geometry, ViewAxis view);

  // Voxel index (i, j, k) under screen pixel (x, y) of slice `slice`.
  core::Index3 voxelAt(int64_t x, int64_t y, int64_t slice) const;
};

}  // namespace aunet::gui
