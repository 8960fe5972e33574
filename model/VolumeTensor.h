#pragma once
// Conversions between the plain image types of core/ and tensors. A Volume's voxel
// order (channel, k, j, i) is a tensor's (C, D, H, W), so these are copies, never
// transposes. 2D networks see a one-slice volume as (C, H, W).

#include <torch/types.h>

#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::model {

// [1, C, K, J, I] for spatial_dims 3, [1, C, J, I] for 2 (requires K == 1).
torch::Tensor volumeToTensor(const core::Volume& volume, int spatialDims = 3);
// The same without a copy: the tensor takes over the volume's voxels (left empty).
torch::Tensor volumeToTensor(core::Volume&& volume, int spatialDims = 3);
// Labels [K, J, I] or [J, I] (any integer or float type) onto `geometry`.
core::LabelMap labelMapFromTensor(const torch::Tensor& labels, const core::Geometry& geometry);
// Scores [C, K, J, I] or [C, J, I] (one channel per class, any device) -> the index of
// each voxel's highest-scoring class (model/ClassArgmax.h) onto `geometry`.
core::LabelMap labelMapFromScores(const torch::Tensor& scores, const core::Geometry& geometry);
// Channels [C, K, J, I] or [C, J, I] onto `geometry`.
core::Volume volumeFromTensor(const torch::Tensor& channels, const core::Geometry& geometry);

}  // namespace aunet::model
