#pragma once
// Intensity normalization as training and inference apply it (nnU-Net's schemes),
// one channel at a time on a core::Volume, and the foreground intensity statistics
// of a data set that the CT scheme needs (nnU-Net's dataset fingerprint). Plain C++:
// no Torch, no ITK. Every function throws core::Error on bad arguments.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::imaging {

// Statistics of a set of intensities (all in double). Percentiles interpolate
// linearly between the two closest ranks (numpy.percentile's default).
struct IntensityStatistics {
  int64_t count = 0;  // values the figures come from (0: every other field is 0)
  double mean = 0.0;
  double std = 0.0;   // population standard deviation (numpy's default, ddof = 0)
  double min = 0.0;
  double max = 0.0;
  double median = 0.0;
  double percentile00_5 = 0.0;
  double percentile99_5 = 0.0;
};

// The statistics of `values` (reordered in place: it is partially sorted).
IntensityStatistics intensityStatistics(std::vector<float>& values);

// nnU-Net's "CTNormalization": clip to [clipLow, clipHigh], then
// (x - mean) / max(std, 1e-8), with data set statistics shared by every case.
struct CtNormalization {
  double clipLow = 0.0;
  double clipHigh = 0.0;
  double mean = 0.0;
  double std = 1.0;
  // Clip to the foreground's 0.5 and 99.5 percentiles, z-score with its mean and std.
  static CtNormalization fromStatistics(const IntensityStatistics& foreground);
};
void normalizeCt(core::Volume& volume, int channel, const CtNormalization& parameters);

// Which voxels a per-case z-score takes its mean and std from.
enum class ZScoreRegion {
  // Voxels that are non-zero in any channel (nnU-Net's "use_mask_for_norm", whose
  // mask is the non-zero region found when cropping; we do not fill holes in it).
  // Only those voxels are normalized; the others stay 0. For skull-stripped MR and
  // other images with a zero background that must stay background.
  NonZero,
  // Every voxel (nnU-Net's default "ZScoreNormalization").
  WholeImage,
};
// (x - mean) / max(std, 1e-8) with this case's own mean and std. A NonZero region
// without any non-zero voxel leaves the channel as it is (all zeros).
void normalizeZScore(core::Volume& volume, int channel, ZScoreRegion region = ZScoreRegion::WholeImage);

// Maps [low, high] linearly onto [0, 1], clipping values outside (e.g. a CT window,
// or 0..255 for photographs). Requires low < high.
void normalizeFixedRange(core::Volume& volume, int channel, double low, double high);

// How computeForegroundStatistics() samples each case.
struct ForegroundStatisticsOptions {
  // nnU-Net draws 10000 foreground voxels per case (with replacement) so that every
  // case weighs the same and memory stays small; 0 uses every foreground voxel
  // (exact, but memory grows with the data set: 4 bytes per foreground voxel).
  int64_t samplesPerCase = 10000;
  uint64_t seed = 1234;  // the draw is reproducible for a given seed
};

// Per channel of the images: the statistics of the voxels whose label is non-zero,
// pooled over every case (images[i] with labels[i]; each pair must share a grid,
// and every image must have the same channel count). A case without foreground
// contributes nothing. Used to fill CtNormalization.
std::vector<IntensityStatistics> computeForegroundStatistics(const std::vector<const core::Volume*>& images,
                                                             const std::vector<const core::LabelMap*>& labels,
                                                             const ForegroundStatisticsOptions& options = {});
// The same, one case in memory at a time: load(i) gives case i (a pipeline reads it
// from files; the names go into errors).
struct ForegroundCase {
  core::Volume image;
  core::LabelMap labels;
  std::string imageName, labelsName;
};
using ForegroundCaseLoader = std::function<ForegroundCase(size_t)>;
std::vector<IntensityStatistics> computeForegroundStatistics(size_t cases, const ForegroundCaseLoader& load,
                                                             const ForegroundStatisticsOptions& options = {});

}  // namespace aunet::imaging
