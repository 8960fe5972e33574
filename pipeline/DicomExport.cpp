#include "pipeline/DicomExport.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "aunet/Version.h"
#include "core/Error.h"
#include "imaging/ImageResampler.h"
#include "io/DicomObjectWriter.h"
#include "model/api/LabelDescription.h"

namespace aunet::pipeline {

namespace fs = std::filesystem;

std::vector<io::DicomSegment> dicomSegmentsFor(const core::LabelMap& mask, const std::vector<model::LabelInfo>& labels) {
  const std::set<uint16_t> present(mask.labels().begin(), mask.labels().end());
  const uint16_t largest = present.empty() ? 0 : *present.rbegin();
  const std::vector<model::LabelInfo> defaults = model::LabelInfo::defaults(largest + 1);
  std::vector<io::DicomSegment> segments;
  for (uint16_t value : present) {
    if (value == 0) continue;
    const model::LabelInfo* info = &defaults[value];
    for (const auto& l : labels)
      if (l.value == value) info = &l;
    io::DicomSegment segment;
    segment.label = value;
    segment.name = info->name;
    segment.color = info->color;
    // Codes the model file carries win over the lookup by name.
    segment.category = {info->category.value, info->category.scheme, info->category.meaning};
    segment.type = {info->type.value, info->type.scheme, info->type.meaning};
    segments.push_back(segment);
  }
  return segments;
}

io::DicomAlgorithm dicomAlgorithmFor(const std::string& modelName, const std::string& modelVersion, bool automatic) {
  io::DicomAlgorithm algorithm;
  algorithm.version = kVersion;
  algorithm.modelName = modelName.empty() ? (automatic ? "model" : "manual") : modelName;
  algorithm.modelVersion = modelVersion;
  algorithm.automatic = automatic;
  return algorithm;
}

core::LabelMap maskOnSourceSlices(const core::LabelMap& mask, const io::DicomSourceSeries& source) {
  if (!source.tilted) return mask;
  core::LabelMap onSlices(source.geometry);
  onSlices.metadata() = mask.metadata();
  core::Geometry slice = source.geometry;
  slice.size[2] = 1;
  const int64_t sliceVoxels = slice.size[0] * slice.size[1];
  for (size_t k = 0; k < source.frames.size(); ++k) {
    for (int a = 0; a < 3; ++a) slice.origin[a] = source.frames[k].position[a];
    const core::LabelMap sampled = imaging::resample(mask, slice);
    std::copy(sampled.data(), sampled.data() + sliceVoxels, onSlices.data() + static_cast<int64_t>(k) * sliceVoxels);
  }
  return onSlices;
}

void writeDicomMask(MaskFormat format, const core::LabelMap& mask, const io::DicomSourceSeries& source,
                    const std::vector<io::DicomSegment>& segments, const io::DicomAlgorithm& algorithm,
                    const std::string& path) {
  if (format == MaskFormat::DicomSeg)
    io::writeDicomSeg(mask, source, segments, algorithm, path);
  else if (format == MaskFormat::RtStruct)
    io::writeRtStruct(mask, source, segments, algorithm, path);
  else
    throw core::Error(path, "not a DICOM mask format: " + toString(format));
}

std::vector<model::LabelInfo> labelsForMask(const std::string& maskPath, const std::string& labelsFile) {
  return model::labelsForMask(maskPath, labelsFile);
}

}  // namespace aunet::pipeline
