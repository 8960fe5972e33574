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
  int sliceCount() const { return static_cast<int>(files.size()); }
};

}  // namespace aunet::io
