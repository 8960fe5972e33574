#pragma once
// `aunet convert IN OUT`: reads any supported image (a DICOM folder or file, NIfTI,
// NRRD, MetaImage, 2D raster) and writes it with its exact geometry as .nii, .nii.gz,
// .nrrd or .mha (chosen by OUT's extension). `--labels` reads and writes a label map
// (integer values only; uint8/uint16 on disk). `--volume K` takes one volume of a 4D
// file (or one channel of a multi-channel image). With --labels, a DICOM SEG or RT
// Structure Set reads as a label map, and `--source-series DIR --output-format
// dicom-seg|rtstruct OUT.dcm` writes a mask as one. Torch-free.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace aunet::app {

struct ConvertOptions {
  std::string input;
  std::string output;
  bool labels = false;          // read and write as an integer label map
  std::string series;           // DICOM: series id or SeriesInstanceUID (empty: the largest)
  bool recursive = false;       // DICOM folder: include subfolders
  bool allowUnevenSlices = false;  // DICOM: read irregular slice spacing with its mean (warns)
  bool toFloat = false;         // images: always write float32 instead of the original integer type
  bool noCompress = false;      // .nrrd/.mha: raw instead of gzip
  int volume = -1;              // a 4D file's volume K (from 0); -1: all, as channels
  // Labels into DICOM: the series the mask was made on (also: the grid a SEG/RTSTRUCT
  // input is drawn on), the object to write (dicom-seg or rtstruct; needed for a .dcm
  // output), and label names (aunet's labels.json; default: one beside the mask).
  std::string sourceSeries;
  std::string outputFormat;
  std::string labelNames;
};

void setupConvertCommand(CLI::App& parent, ConvertOptions& options);
// Prints one line saying what was written. Throws core::Error "<path>: reason".
int runConvertCommand(const ConvertOptions& options, std::ostream& out);

}  // namespace aunet::app
