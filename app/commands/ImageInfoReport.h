#pragma once
// What `aunet info` prints for an image file or a DICOM folder: format, geometry,
// pixel type, channels, value range and, for DICOM, the series found. Torch-free.

#include <iosfwd>
#include <string>

namespace aunet::app {

struct ImageInfoRequest {
  std::string path;          // image file, DICOM file or DICOM folder
  std::string dicomSeries;   // DICOM: series id or SeriesInstanceUID (empty: the largest)
  bool recursive = false;    // DICOM folder: include subfolders
  bool json = false;         // one JSON document instead of text
};

// Reads the image (all voxels, for the value range) and prints the report. Throws
// core::Error "<path>: reason" when it cannot be read.
void printImageInfo(const ImageInfoRequest& request, std::ostream& out);

// True when `path` names an aunet model: the ".aunet" extension, or a file starting
// with the "AUNETMDL" magic.
bool looksLikeModelFile(const std::string& path);

}  // namespace aunet::app
