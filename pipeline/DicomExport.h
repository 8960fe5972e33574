#pragma once
// A mask as the DICOM objects of its series: the model's (or a labels file's) label
// names and colours become SEG segments / RTSTRUCT ROIs, the model becomes the
// algorithm that made them. What `aunet segment --output-format`, `aunet convert
// --source-series` and `aunet serve` share.

#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "io/DicomSegment.h"
#include "io/DicomSourceSeries.h"
#include "model/api/LabelInfo.h"
#include "pipeline/MaskFormat.h"

namespace aunet::pipeline {

// One segment per label value present in `mask`, named and coloured from `labels`
// ("label N" and a palette colour for values `labels` does not describe).
std::vector<io::DicomSegment> dicomSegmentsFor(const core::LabelMap& mask, const std::vector<model::LabelInfo>& labels);

// aunet and its version; `modelName` the model file's name ("manual" masks: empty and
// automatic = false).
io::DicomAlgorithm dicomAlgorithmFor(const std::string& modelName, const std::string& modelVersion, bool automatic);

// `mask` brought onto the source's slices for writing: unchanged when it covers the
// series' grid (axes may be flipped or permuted); for a gantry-tilted series (whose
// image aunet reads resampled onto an orthogonal grid) sampled by nearest neighbour at
// each original slice's own pixels, so the objects reference and match the slices as
// the scanner wrote them.
core::LabelMap maskOnSourceSlices(const core::LabelMap& mask, const io::DicomSourceSeries& source);

// Writes `mask` as `format` (DicomSeg or RtStruct) to `path`, atomically.
void writeDicomMask(MaskFormat format, const core::LabelMap& mask, const io::DicomSourceSeries& source,
                    const std::vector<io::DicomSegment>& segments, const io::DicomAlgorithm& algorithm,
                    const std::string& path);

// Label names for a mask file: `labelsFile` (aunet's labels.json: [{"value", "name",
// "color"}], or ITK-SNAP's label description .txt) when given, else the description
// beside the mask (model/api/LabelDescription.h says where it looks), else none.
std::vector<model::LabelInfo> labelsForMask(const std::string& maskPath, const std::string& labelsFile = {});

}  // namespace aunet::pipeline
