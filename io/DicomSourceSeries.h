#pragma once
// The DICOM series a mask was made from, as a SEG or an RTSTRUCT must reference it:
// one entry per slice of the grid readDicom() gives that series, with the UIDs the
// files really carry. Badly anonymised series (empty Study/Series/SOP UIDs in the data
// set, as the shared TotalSegmentator example has) are taken as they are: SOP UIDs
// come from the file meta header, and Study/Series UIDs are derived (2.25 UIDs hashed
// from the Frame of Reference UID) with a warning, so every object aunet writes for
// that series agrees with the others.

#include <string>
#include <vector>

#include "core/Geometry.h"
#include "io/ReadOptions.h"

namespace aunet::io {

struct DicomSourceFrame {
  std::string file;
  std::string sopClassUid;
  std::string sopInstanceUid;
  std::string imagePositionPatient;  // as the file writes it ("-249.51\-437.51\-766.5")
  double position[3] = {0, 0, 0};    // the same, parsed (mm, LPS)
};

struct DicomSourceSeries {
  std::string path;                     // the folder or file it was read from
  core::Geometry geometry;              // the grid readDicom() reads this series onto
  std::vector<DicomSourceFrame> frames; // frames[k]: slice k of that grid
  std::string studyInstanceUid;
  std::string seriesInstanceUid;
  std::string frameOfReferenceUid;
  std::string imageOrientationPatient;  // as the files write it
  std::string modality;
  bool derivedUids = false;             // Study/Series UIDs were missing and derived
  // Gantry tilt: the slices are shifted across their plane, so `geometry` (which
  // stacks them along the normal) does not hold their positions; a mask on any other
  // grid is sampled at each slice's own pixels (frames[k].position).
  bool tilted = false;
  double tiltDegrees = 0.0;
  std::vector<std::string> warnings;    // one line each, for the user
};

// Reads the headers (not the pixels) of the series readDicom(path, options) would read.
// Throws core::Error naming the path when it is not a DICOM image series.
DicomSourceSeries readDicomSourceSeries(const std::string& path, const ReadOptions& options = {});

// True when `path` is a folder or a file that readDicom() would take as DICOM.
bool isDicomInput(const std::string& path);

}  // namespace aunet::io
