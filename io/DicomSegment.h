#pragma once
// One label of a mask as a DICOM SEG segment or an RTSTRUCT ROI describes it: the
// label value in aunet's label map, its name, colour, and the coded concepts a PACS
// viewer or planning system shows (SNOMED CT "SCT" codes where known).

#include <array>
#include <cstdint>
#include <string>

namespace aunet::io {

struct DicomCode {
  std::string value;    // "10200004"
  std::string scheme;   // "SCT"
  std::string meaning;  // "Liver"
  bool empty() const { return value.empty(); }
};

struct DicomSegment {
  uint16_t label = 0;
  std::string name;
  std::array<uint8_t, 3> color{255, 0, 0};  // sRGB
  DicomCode category;  // empty: looked up by name (io/DicomCodes.h), else generic
  DicomCode type;
};

// Who made the mask, for the SEG's algorithm identification and the RTSTRUCT's
// ROI generation description.
struct DicomAlgorithm {
  std::string name = "aunet";
  std::string version;       // aunet's version
  std::string modelName;     // model file name, or "manual" for masks made elsewhere
  std::string modelVersion;  // the model's creation date or provenance
  bool automatic = true;     // AUTOMATIC (a model's output) or SEMIAUTOMATIC/MANUAL
};

}  // namespace aunet::io
