#pragma once
// The arithmetic of nnU-Net-style sliding-window inference, torch-free so it can be
// tested (and reasoned about) on its own: where the windows start along each axis,
// and the Gaussian importance map that blends overlapping windows.

#include <cstdint>
#include <vector>

namespace aunet::model {

// Window start offsets along one axis, nnU-Net's rule (compute_steps_for_sliding_window):
// n = ceil((size - patch) / (patch * (1 - overlap))) + 1 windows, evenly spaced from 0
// to size - patch and rounded (halves to even, as np.round). Requires 1 <= patch <= size and 0 <= overlap < 1
// (throws core::Error otherwise).
std::vector<int64_t> slidingWindowSteps(int64_t size, int64_t patch, double overlap);

// Every window's start offset per axis (cartesian product of the per-axis steps, last
// axis fastest). size and patch have the same length; size[d] >= patch[d].
std::vector<std::vector<int64_t>> slidingWindowStarts(const std::vector<int64_t>& size,
                                                      const std::vector<int64_t>& patch, double overlap);

// Importance weights of one patch, row-major (last axis fastest): the product over axes
// of exp(-(x - c)^2 / (2 sigma^2)) with c = patch / 2 (integer division) and
// sigma = patch * sigmaScale, zero beyond scipy's truncation radius int(4 sigma + 0.5)
// (what nnU-Net's gaussian_filter of a centred impulse gives once divided by its
// maximum), so the centre is 1. Zeros are replaced by the smallest non-zero weight so
// that no voxel covered by a window ends up with weight 0.
std::vector<float> gaussianImportanceMap(const std::vector<int64_t>& patch, double sigmaScale = 1.0 / 8.0);

// One axis's factor of that map, before any zero is replaced: exp(-(x - c)^2 / (2 sigma^2))
// for x in [0, patch), zero beyond the truncation radius.
std::vector<double> gaussianProfile(int64_t patch, double sigmaScale = 1.0 / 8.0);

// The sum over every window of the map at each position along one axis of `size`
// voxels, windows at slidingWindowSteps(size, patch, overlap). Where no profile has a
// zero (none was replaced), the blend's denominator at voxel (z, y, x) is the product
// of these per-axis sums: the map is a product over axes and the windows' starts a
// cartesian product, so the image-sized sum of maps is never needed.
std::vector<double> gaussianCoverage(int64_t size, int64_t patch, double overlap, double sigmaScale = 1.0 / 8.0);

}  // namespace aunet::model
