#pragma once
// The class with the highest score at each voxel of a [K, *S] score tensor, as
// torch::argmax(scores, 0) picks it: the first of equal maxima, and a NaN counts as the
// maximum. LibTorch's CPU argmax over the leading axis walks the voxels one at a time
// (15.7 s for the [2, 300, 512, 512] probabilities of a CT on 2 cores, most of that
// segmentation's time outside the network); this runs blocks of voxels through
// vectorized compares on every core (about 0.1 s) and writes 2-byte indices, not
// LibTorch's 8-byte ones. CUDA scores are reduced on their device (torch::argmax is
// fast there) and only the 2-byte indices cross to the host.

#include <torch/types.h>

#include <cstdint>

namespace aunet::model {

// scores: [K, *S] with 1 <= K <= 32768 classes, any float type, any device; `out`
// receives S's numel() class indices in S's C order. Throws core::Error for other shapes.
void classIndicesInto(const torch::Tensor& scores, uint16_t* out);

// The same as a CPU int16 tensor of shape S (torch's comparisons and sums take it,
// which they do not all do for uint16).
torch::Tensor classIndices(const torch::Tensor& scores);

}  // namespace aunet::model
