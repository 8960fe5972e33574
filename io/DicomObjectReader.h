#pragma once
// Reads a DICOM SEG or RT Structure Set as a label map. A SEG alone lands on the grid
// its own frame geometry describes; with its source series (given, or found in the
// same folder) it lands on that series' grid. An RTSTRUCT's contours are filled on
// its series' grid (a voxel is inside when its centre is inside an odd number of a
// slice's contours, so holes stay holes).

#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "io/DicomSegment.h"
#include "io/DicomSourceSeries.h"

namespace aunet::io {

enum class DicomObjectKind { None, Segmentation, RtStruct };

// What the header of `file` says it is (no pixel data read); None for anything else.
DicomObjectKind dicomObjectKind(const std::string& file);

// The SEG or RTSTRUCT file inside a folder (or `path` itself when it is one); empty
// when there is none.
std::string findDicomLabelObject(const std::string& path);

struct DicomLabelObject {
  core::LabelMap labels;                // label values are segment numbers / ROI order
  std::vector<DicomSegment> segments;   // names, colours, codes
  DicomObjectKind kind = DicomObjectKind::None;
  std::string referencedSeriesUid;
  std::vector<std::string> warnings;
};

// `path`: a SEG/RTSTRUCT file, or a folder holding one (and maybe its series).
// `sourceSeries`: the series folder to map it onto; empty: the series in the same
// folder when there is one, else (SEG only) the SEG's own frame grid.
DicomLabelObject readDicomLabelObject(const std::string& path, const std::string& sourceSeries = {});

}  // namespace aunet::io
