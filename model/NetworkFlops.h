#pragma once
// Floating point operations of one AttentionUNet forward pass, computed from the
// network's layers and the input size, so benchmarks can report achieved GFLOP/s.
// Convention: a convolution costs 2 * k^d * Cin * Cout per output voxel (one multiply
// and one add per weight); biases, norms, activations, pooling and resampling are not
// counted (they are a few FLOPs per voxel against hundreds per conv weight), so the
// figure is the usual "conv FLOPs" one that peak comparisons use.

#include <cstdint>
#include <string>
#include <vector>

#include "model/AttentionUNetOptions.h"

namespace aunet::model {

struct NetworkFlops {
  double encoder = 0.0;  // encoder ConvBlocks, bottleneck included
  double decoder = 0.0;  // decoder ConvBlocks
  double gates = 0.0;    // attention gates (theta, phi, psi, W) plus the bottleneck's gating conv
  double heads = 0.0;    // final 1x1 head, plus deep supervision heads when requested

  double total() const { return encoder + decoder + gates + heads; }

  // FLOPs of network(x) for x of `batch` samples of spatial size `spatial` (tensor
  // order, [D, H, W] or [H, W]). The network pads each axis up to a multiple of
  // size_divisor() and computes on the padded size; that size is what is counted.
  // with_deep_supervision adds the ds heads (what a training forward computes).
  // Throws core::Error when the options or sizes are invalid.
  static NetworkFlops forward(const AttentionUNetOptions& options, const std::vector<int64_t>& spatial,
                              int64_t batch = 1, bool with_deep_supervision = false);

  // FLOPs of one conv: 2 * kernel^dims * in * out * output voxels.
  static double conv(int64_t dims, int64_t kernel, int64_t in, int64_t out, double output_voxels);
};

}  // namespace aunet::model
