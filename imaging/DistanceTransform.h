#pragma once
// Exact Euclidean distance transform with anisotropic spacing (Felzenszwalb &
// Huttenlocher's lower envelope of parabolas, separably along i, j, k). Surface
// distances (SegmentationMetrics) and the editor's shape-based slice interpolation
// (SliceInterpolation) use it; tests/io/ItkComparisonTest.cpp checks it against
// itk::SignedMaurerDistanceMapImageFilter.

#include <cstdint>
#include <vector>

#include "core/Geometry.h"

namespace aunet::imaging {

// Squared distance in mm^2 from every voxel of a `size` grid (i fastest) to the nearest
// voxel with sites[i] != 0; infinity everywhere when there is no site.
std::vector<double> squaredDistanceTransform(const std::vector<uint8_t>& sites, const core::Index3& size,
                                             const core::Vec3& spacing);

// Signed distance (mm) to the boundary of `inside` (non-zero voxels): negative inside,
// positive outside, measured between voxel centres as ITK's SignedMaurer filter with
// UseImageSpacing on and InsideIsPositive off: an inside voxel gets -(distance to the
// nearest outside voxel), an outside voxel +(distance to the nearest inside voxel).
// All-inside or all-outside grids get -inf / +inf.
std::vector<double> signedDistance(const std::vector<uint8_t>& inside, const core::Index3& size,
                                   const core::Vec3& spacing);

}  // namespace aunet::imaging
