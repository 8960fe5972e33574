#pragma once
// `aunet info MODEL_OR_IMAGE`: what a model file holds (description, architecture,
// labels, plan, provenance) and its parameter count; for any other path (an image
// file, a DICOM file or folder) its format, geometry, pixel type, value range and,
// for DICOM folders, the series found (see ImageInfoReport.h); for a DICOM SEG or
// RTSTRUCT file its segments (DicomObjectReport.h).

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace aunet::app {

struct InfoOptions {
  std::string model;  // a .aunet model, or an image file / DICOM folder
  bool json = false;  // print the metadata as JSON instead of text
  std::string series;      // images: DICOM series id or SeriesInstanceUID (empty: the largest)
  bool recursive = false;  // images: scan DICOM subfolders too
  std::string sourceSeries;  // a DICOM SEG/RTSTRUCT: the series folder to draw it on
};

void setupInfoCommand(CLI::App& parent, InfoOptions& options);
int runInfoCommand(const InfoOptions& options, std::ostream& out);

}  // namespace aunet::app
