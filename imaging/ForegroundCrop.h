#pragma once
// Cropping a volume (and its labels) to the bounding box of its non-zero voxels, as
// nnU-Net does before training and inference (less background, smaller patches), and
// padding a result back onto the original grid. The cropped grid keeps spacing and
// direction; its origin is the physical position of the box's first voxel, computed
// through the direction matrix, so every cropped voxel sits exactly where it was.

#include <cstdint>

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::imaging {

// A box of voxels [begin, begin + size) on some grid.
struct CropBox {
  core::Index3 begin{0, 0, 0};
  core::Index3 size{0, 0, 0};
  core::Index3 end() const { return {begin[0] + size[0], begin[1] + size[1], begin[2] + size[2]}; }
  bool operator==(const CropBox& other) const { return begin == other.begin && size == other.size; }
  bool operator!=(const CropBox& other) const { return !(*this == other); }
};

// The smallest box holding every voxel that is non-zero in any channel, grown by
// `margin` voxels on each side (per axis) and clipped to the grid. When every voxel
// is zero, the whole grid (nothing is cropped, so padding back is trivially exact).
CropBox nonZeroBoundingBox(const core::Volume& volume, const core::Index3& margin = {0, 0, 0});
// The same for the non-zero labels of a label map.
CropBox nonZeroBoundingBox(const core::LabelMap& labels, const core::Index3& margin = {0, 0, 0});

// The grid of `box` inside `geometry`: size = box size, same spacing and direction,
// origin = geometry.indexToPhysical(box.begin). Throws core::Error when the box is
// empty or leaves the grid.
core::Geometry croppedGeometry(const core::Geometry& geometry, const CropBox& box);

// The voxels of `box` (every channel; metadata and originalType kept).
core::Volume crop(const core::Volume& volume, const CropBox& box);
core::LabelMap crop(const core::LabelMap& labels, const CropBox& box);

// Puts a cropped volume back onto `original` at `box`; voxels outside the box get
// `fill`. Throws core::Error unless `cropped` lies on croppedGeometry(original, box).
core::Volume padToOriginal(const core::Volume& cropped, const core::Geometry& original, const CropBox& box,
                           float fill = 0.0f);
core::LabelMap padToOriginal(const core::LabelMap& cropped, const core::Geometry& original, const CropBox& box,
                             uint16_t fill = 0);

// A case cropped to the non-zero voxels of its image.
struct CroppedCase {
  core::Volume image;
  core::LabelMap labels;      // empty when no labels were given
  core::Geometry original;    // the grid before cropping, for padToOriginal()
  CropBox box;
};
// Crops `image` and (when given) `labels` to the box of the image's non-zero voxels
// (any channel) plus `margin`. The labels must be on the image's grid.
CroppedCase cropToNonZero(const core::Volume& image, const core::LabelMap* labels = nullptr,
                          const core::Index3& margin = {0, 0, 0});

}  // namespace aunet::imaging
