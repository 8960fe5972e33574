#pragma once
// Writes a label map as DICOM objects that reference the series it was made on:
// a Segmentation (SEG, BINARY, one segment per label, empty frames left out) and an
// RT Structure Set (one ROI per label, planar contours per slice with holes, in
// patient coordinates). Both copy the patient and study of the source, get a new
// series and new SOP Instance UIDs (2.25 UIDs), and are written to a temporary name
// then renamed. The mask must lie on the source's grid (the same physical voxels,
// whichever way its axes run). Throws core::Error naming the output or the mask.

#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "io/DicomSegment.h"
#include "io/DicomSourceSeries.h"

namespace aunet::io {

void writeDicomSeg(const core::LabelMap& mask, const DicomSourceSeries& source,
                   const std::vector<DicomSegment>& segments, const DicomAlgorithm& algorithm,
                   const std::string& outputPath);

void writeRtStruct(const core::LabelMap& mask, const DicomSourceSeries& source,
                   const std::vector<DicomSegment>& segments, const DicomAlgorithm& algorithm,
                   const std::string& outputPath);

}  // namespace aunet::io
