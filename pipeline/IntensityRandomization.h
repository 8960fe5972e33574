#pragma once
// Intensity domain randomization for training patches (issue 28): transforms that
// make a network see many contrasts and resolutions of the same anatomy, so that it
// holds up on a scanner, sequence or slice thickness it was not trained on. Each
// works on one channel or a whole [C, *S] patch on any device; the random draws
// come from the caller's generator, so a sample seed gives one result.
//  - a random smooth intensity curve: monotone, non-monotone, or inverted; the
//    channel's mean and standard deviation are kept (the plan's normalization);
//  - a smooth multiplicative bias field, bounded in [1/(1+max), 1+max];
//  - simulated low resolution: area downsampling along some axes (thick slices)
//    and linear upsampling back, so the patch keeps its grid.

#include <torch/types.h>

#include <cstdint>
#include <random>
#include <vector>

namespace aunet::pipeline {

enum class IntensityCurveKind { Monotone, NonMonotone, Inversion };

// Values of a random curve at `knots` evenly spaced points of [0, 1]: Monotone
// rises from 0 to 1 with random steps, NonMonotone takes uniform random values,
// Inversion falls linearly from 1 to 0.
std::vector<double> randomIntensityCurve(IntensityCurveKind kind, int knots, std::mt19937_64& rng);

// Where a curve's knots sit on a channel's intensities. EvenlySpaced: evenly over
// [min, max] (an exact linear map for Inversion). Quantiles: at the channel's
// quantiles, so each segment holds an equal share of the voxels: tissues that share a
// narrow band of a wide range (grey and white matter, CSF, between air and fat) get
// brightnesses of their own, as another sequence would give them.
enum class CurveKnots { EvenlySpaced, Quantiles };

// channel [*S] mapped through the curve (piecewise linear between knots placed by
// `knots`); the result is given the input's mean and standard deviation. A constant
// channel is left as it is.
torch::Tensor applyIntensityCurve(const torch::Tensor& channel, const std::vector<double>& curve,
                                  CurveKnots knots = CurveKnots::EvenlySpaced);

// MR's inversion: air is dark in every sequence, while tissue contrast can flip (T1 vs
// T2 weighting). Voxels in the darkest `backgroundShare` of [min, max] keep their values;
// those above are mirrored within [threshold, max] (the darkest tissue becomes the
// brightest), so background stays below all tissue. Mean and std are kept.
torch::Tensor invertAboveBackground(const torch::Tensor& channel, double backgroundShare = 1.0 / 7.0);

// A smooth field of shape `shape` (float, on `options`' device) with values in
// [1/(1+maxChange), 1+maxChange]: uniform log-values on a coarse grid of 4 points
// per axis, linearly interpolated (so it stays within the bounds).
torch::Tensor randomBiasField(const std::vector<int64_t>& shape, double maxChange, std::mt19937_64& rng,
                              const torch::TensorOptions& options);

// channel [*S] multiplied by `field` above its minimum (z-scored data has negative values).
torch::Tensor applyBiasField(const torch::Tensor& channel, const torch::Tensor& field);

// image [C, *S]: along each axis a with factors[a] > 1, averaged over blocks of
// factors[a] voxels (area downsampling to ceil(S/f)) and linearly upsampled back to S.
// The output has the input's shape.
torch::Tensor simulateLowResolution(const torch::Tensor& image, const std::vector<double>& factors);

}  // namespace aunet::pipeline
