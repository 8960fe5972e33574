#include "pipeline/DatasetFingerprint.h"

#include "imaging/ForegroundCrop.h"
#include "io/ImageReader.h"
#include "core/Error.h"

#include <algorithm>
#include <cmath>

namespace aunet::pipeline {

DatasetFingerprint DatasetFingerprint::compute(const io::NnUNetDataset& dataset,
                                               const imaging::ForegroundStatisticsOptions& options) {
  DatasetFingerprint f;
  f.channels = static_cast<int>(dataset.channelNames.size());
  for (const auto& c : dataset.training) {
    for (size_t ch = 0; ch < c.imagePaths.size(); ++ch)
      if (c.imagePaths[ch].empty()) throw core::Error(dataset.root, "case " + c.id + " lacks channel " + std::to_string(ch));
    if (c.labelPath.empty()) throw core::Error(dataset.root, "case " + c.id + " has no label");
    const core::Volume image = io::readImage(c.imagePaths[0], c.channelReadOptions(0));
    f.spacings.push_back(image.geometry().spacing);
    f.croppedSizes.push_back(imaging::nonZeroBoundingBox(image).size);
    const core::LabelMap labels = io::readLabelMap(c.labelPath);
    const float* v = image.channel(0);
    const auto& l = labels.labels();
    double sum = 0, sq = 0, fgSum = 0;
    size_t fg = 0;
    const size_t n = std::min(l.size(), static_cast<size_t>(image.geometry().voxelCount()));
    for (size_t i = 0; i < n; ++i) {
      sum += v[i], sq += double(v[i]) * v[i];
      if (l[i] > 0) fgSum += v[i], ++fg;
    }
    const double mean = n ? sum / double(n) : 0.0;
    const double sd = n ? std::sqrt(std::max(0.0, sq / double(n) - mean * mean)) : 0.0;
    f.foregroundContrast.push_back(fg && sd > 0 ? (fgSum / double(fg) - mean) / sd : 0.0);
  }
  // One channel of one case in memory at a time; errors name its files.
  const auto& cases = dataset.training;
  for (int ch = 0; ch < f.channels; ++ch) {
    const auto stats = imaging::computeForegroundStatistics(
        cases.size(),
        [&](size_t i) {
          const io::NnUNetCase& c = cases[i];
          const size_t channel = static_cast<size_t>(ch);
          return imaging::ForegroundCase{io::readImage(c.imagePaths[channel], c.channelReadOptions(channel)),
                                         io::readLabelMap(c.labelPath), c.imagePaths[channel], c.labelPath};
        },
        options);
    f.foreground.push_back(stats.empty() ? imaging::IntensityStatistics{} : stats[0]);
  }
  return f;
}

}  // namespace aunet::pipeline
