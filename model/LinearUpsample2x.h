#pragma once
// Exact 2x bilinear/trilinear upsampling (align_corners=false) of a channels-last
// float CPU tensor, written straight into a channel slice of a larger channels-last
// tensor: the decoder's concatenation buffer. LibTorch's interpolate + cat would
// compute the same values into a new tensor and then copy them (together ~12% of a
// channels-last 3D forward pass, docs/performance.md).
//
// At exactly twice the size, align_corners=false resampling is separable with fixed
// weights: out[2k] = 0.75 in[k] + 0.25 in[max(k-1, 0)] and out[2k+1] = 0.75 in[k] +
// 0.25 in[min(k+1, n-1)] along every axis (the same sample positions and edge clamping
// as ATen; the sums differ from ATen's only in float rounding).

#include <torch/types.h>

namespace aunet::model {

// Writes upsample(src) into dst and returns true when the fast path applies: src and
// dst float32 (or both bf16) CPU tensors of the same rank (4 or 5), batch and channels, dst exactly
// twice src's size on every spatial axis, src channels-last contiguous and dst a
// channels-last view whose channels are adjacent (a narrow() of a channels-last
// tensor along dim 1). Otherwise touches nothing and returns false.
//
// With first_row > 0, or a dst shorter along the first spatial axis (dim 2), dst holds
// rows [first_row, first_row + dst.size(2)) of that axis of upsample(src), which must
// lie inside its 2 * src.size(2) rows: one slab of the decoder's concatenation, with
// the same values the whole upsampling has there.
bool linearUpsample2xInto(const torch::Tensor& src, torch::Tensor& dst, int64_t first_row = 0);

// The gradient of that upsampling (its transpose): dst[k] gathers 0.75 of fine samples
// 2k and 2k+1 and 0.25 of 2k-1 and 2k+2 along every axis, with the edge clamping's
// extra quarter at both ends. grad: float32 (or bf16) CPU, twice dst's size on every
// spatial axis, channels adjacent at a fixed voxel stride (channels-last, or a channel
// slice of a channels-last tensor: the decoder concatenation's gradient); dst:
// channels-last contiguous, of grad's type, batch and channels. Sums in float; false
// (dst untouched) when that does not apply.
bool linearUpsample2xBackwardInto(const torch::Tensor& grad, torch::Tensor& dst);

}  // namespace aunet::model
