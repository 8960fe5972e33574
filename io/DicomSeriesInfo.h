#pragma once
// One DICOM series found in a folder, as scanDicomSeries() lists it.

#include <string>
#include <vector>

namespace aunet::io {

struct DicomSeriesInfo {
  // Key to pass as ReadOptions::dicomSeriesUid: the SeriesInstanceUID, extended by
  // ITK with orientation/size details when one UID holds differently shaped images.
  std::string id;
  std::string seriesInstanceUid;
  std::string description;  // (0008,103E)
  std::string modality;     // (0008,0060)
  std::string patient;      // (0010,0010) name, or (0010,0020) ID when no name
  bool isImage = true;      // false for RTSTRUCT, SR, RT plan, ... (no pixel data)
  // Files sorted by position along the slice normal (ITK/GDCM ordering).
  std::vector<std::string> files;
  // Damaged files (cut short, impossible values) that carry this series' UID: kept
  // from the decoder, and an error naming them when the series is read. One
  // "<file>: <reason>" each.
  std::vector<std::string> damagedFiles;
  // What the folder scan tolerated, for the reader to pass on: e.g. "skipped 2
  // file(s) that are not readable DICOM: a.dcm (...), b.txt". One line each.
  std::vector<std::string> warnings;
  int sliceCount() const { return static_cast<int>(files.size()); }
};

}  // namespace aunet::io
