#pragma once
// Coded concepts for segment names: what a SEG's Segmented Property Category/Type and
// an RTSTRUCT's ROI interpreted type say about a label, so a PACS viewer or planning
// system knows "liver" is the liver, not just a string. SNOMED CT ("SCT") codes from
// DICOM CID 7150 (categories) and CID 7151/7166 (anatomy) for the organs models
// commonly segment; anything else is coded as generic tissue and keeps its name.

#include <string>

#include "io/DicomSegment.h"

namespace aunet::io {

struct DicomSegmentCodes {
  DicomCode category;
  DicomCode type;
  bool known = false;  // false: the generic "Tissue" code
};

// `name` in any common spelling: "Liver", "kidney_left", "left kidney", "Kidney L".
DicomSegmentCodes dicomCodesForLabel(const std::string& name);

}  // namespace aunet::io
