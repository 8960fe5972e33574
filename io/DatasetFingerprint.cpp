#include "io/DatasetFingerprint.h"

#include "io/ForegroundCrop.h"
#include "io/ImageReader.h"
#include "io/core/Error.h"

namespace aunet::io {

DatasetFingerprint DatasetFingerprint::compute(const NnUNetDataset& dataset, const ForegroundStatisticsOptions& options) {
  DatasetFingerprint f;
  f.channels = static_cast<int>(dataset.channelNames.size());
  std::vector<std::vector<std::string>> channelPaths(static_cast<size_t>(f.channels));
  std::vector<std::string> labelPaths;
  for (const auto& c : dataset.training) {
    for (size_t ch = 0; ch < c.imagePaths.size(); ++ch)
      if (c.imagePaths[ch].empty()) throw core::Error(dataset.root, "case " + c.id + " lacks channel " + std::to_string(ch));
    if (c.labelPath.empty()) throw core::Error(dataset.root, "case " + c.id + " has no label");
    const core::Volume image = readImage(c.imagePaths[0], c.channelReadOptions(0));
    f.spacings.push_back(image.geometry().spacing);
    f.croppedSizes.push_back(nonZeroBoundingBox(image).size);
    for (size_t ch = 0; ch < c.imagePaths.size(); ++ch) channelPaths[ch].push_back(c.imagePaths[ch]);
    labelPaths.push_back(c.labelPath);
  }
  for (int ch = 0; ch < f.channels; ++ch) {
    ReadOptions read;  // every case has one layout (NnUNetDataset::load)
    if (dataset.channelsInOneFile) read.volumeIndex = ch;
    const auto stats = computeForegroundStatisticsFromFiles(channelPaths[static_cast<size_t>(ch)], labelPaths, options, read);
    f.foreground.push_back(stats.empty() ? IntensityStatistics{} : stats[0]);
  }
  return f;
}

}  // namespace aunet::io
