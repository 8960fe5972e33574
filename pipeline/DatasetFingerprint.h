#pragma once
// What planning needs to know about a dataset (nnU-Net's "fingerprint"): each
// training case's spacing and its size after cropping to the non-zero region, and
// the foreground (label > 0) intensity statistics of every channel pooled over
// cases. Torch-free; reads one case at a time.

#include <vector>

#include "imaging/IntensityNormalizer.h"
#include "io/NnUNetDataset.h"
#include "core/Geometry.h"

namespace aunet::pipeline {

struct DatasetFingerprint {
  std::vector<core::Vec3> spacings;                  // per case, mm (i, j, k)
  std::vector<core::Index3> croppedSizes;            // per case, voxels after cropping to non-zero
  std::vector<imaging::IntensityStatistics> foreground;       // per channel
  int channels = 0;
  // Per case, channel 0: (foreground mean - image mean) / image std, a contrast
  // signature independent of the scanner's intensity scale (bright foreground > 0,
  // dark < 0). Cases that differ in it were acquired with different contrasts.
  std::vector<double> foregroundContrast;

  // Errors name the file. Cases with a missing channel or label throw: check the
  // dataset first (pipeline/DatasetChecker.h).
  static DatasetFingerprint compute(const io::NnUNetDataset& dataset,
                                    const imaging::ForegroundStatisticsOptions& options = {});
};

}  // namespace aunet::pipeline
