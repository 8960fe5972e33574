#pragma once
// What one DICOM file says about itself in its header, read with DCMTK without the
// pixel data: the UIDs that place it in a study and series, its modality, and whether
// it is an image aunet can segment (an image storage SOP class, not a SEG or an RT
// object). For the storage node, which sorts what it receives and sets aside what it
// cannot use.

#include <string>

namespace aunet::io {

struct DicomInstanceHeader {
  std::string sopClassUid;
  std::string sopClassName;  // "CT Image Storage", or the UID when DCMTK does not know it
  std::string sopInstanceUid, studyInstanceUid, seriesInstanceUid;
  std::string modality;
  bool image = false;
};

// Throws core::Error naming the file when it is not a readable DICOM file.
DicomInstanceHeader readDicomInstanceHeader(const std::string& file);

}  // namespace aunet::io
