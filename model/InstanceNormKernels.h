#pragma once
// The float32 and bf16 CPU loops behind instance norm (+ ReLU) in aunet's own paths: inference
// in place (InstanceNormInPlace) and the channels-last training function
// (InstanceNormFunction). Raw pointers, no Torch types, so both share one copy.
//
// A tensor [N, C, *S] is `images` x `channels` x `voxels`; in Planes layout channel c of
// image n is the contiguous run at (n * C + c) * V, in ChannelsLast each voxel's C
// values are adjacent. Statistics are summed in float per block of values and the
// blocks in double, in a fixed order, so results do not depend on the thread count.

#include <cstdint>

namespace aunet::model::kernels {

enum class Layout { Planes, ChannelsLast };

struct NormShape {
  int64_t images, channels, voxels;
  Layout layout;
  // Forward only, ChannelsLast only: where y's voxels lie when y is not shaped as x (a
  // channel slice of a wider tensor, e.g. the decoder's concatenation): elements
  // between adjacent voxels and between images. 0: as x.
  int64_t out_voxel_stride = 0, out_image_stride = 0;
};

// y = [ReLU](weight * (x - mean) / sqrt(var + eps) + bias) per (image, channel), with
// the biased variance as ATen. y may be x (in place). mean and rstd (1 / sqrt(var +
// eps)), images x channels each, are written when not null (for the backward pass).
void instanceNormForward(const NormShape& shape, const float* x, float* y, const float* weight, const float* bias,
                         double eps, bool relu, float* mean, float* rstd);
// The same for bf16 values (their 16-bit patterns, model/Bf16Values.h): statistics and
// arithmetic in float, each output rounded once (bf16 inference).
void instanceNormForward(const NormShape& shape, const uint16_t* x, uint16_t* y, const float* weight,
                         const float* bias, double eps, bool relu, float* mean, float* rstd);

// Gradients of instanceNormForward given the same x, weight, bias and its mean/rstd:
// dx (channels-last, as x), and dweight/dbias (channels each, summed over the images).
// ChannelsLast layout only: the NCDHW training path runs LibTorch's modules.
void instanceNormBackward(const NormShape& shape, const float* x, const float* dy, float* dx, const float* weight,
                          const float* bias, bool relu, const float* mean, const float* rstd, float* dweight,
                          float* dbias);
// The same for bf16 x, dy and dx (bf16 training): arithmetic in float, dx rounded once.
void instanceNormBackward(const NormShape& shape, const uint16_t* x, const uint16_t* dy, uint16_t* dx,
                          const float* weight, const float* bias, bool relu, const float* mean, const float* rstd,
                          float* dweight, float* dbias);

}  // namespace aunet::model::kernels
