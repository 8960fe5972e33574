#pragma once
// What we know about where an image came from, beyond its grid.

#include <optional>
#include <string>
#include <vector>

namespace aunet::core {

struct VolumeMetadata {
  std::string sourcePath;         // file or DICOM folder it was read from
  std::string modality;           // DICOM (0008,0060) when known: "CT", "MR", ...
  std::optional<double> windowCenter;  // DICOM default display window
  std::optional<double> windowWidth;
  bool rescaleApplied = false;    // DICOM slope/intercept already applied to voxels
  double rescaleSlope = 1.0;
  double rescaleIntercept = 0.0;
  std::string seriesInstanceUid;
  std::string seriesDescription;
  std::string patientDescription; // patient name/ID as the viewer may show it
  // DICOM (0028,0004) as stored: "MONOCHROME2", "RGB", "YBR_FULL", "PALETTE COLOR"...
  // Colour is read as 3 channels R, G, B whatever the stored model.
  std::string photometricInterpretation;
  // A gantry-tilted CT series (slices sheared along the table) was resampled onto an
  // orthogonal grid (linear interpolation in physical space): voxels are not the
  // stored pixels, so objects referencing the source slices (SEG, RTSTRUCT) must map
  // through physical space. The tilt in degrees, 0 when not resampled.
  bool tiltResampled = false;
  double gantryTiltDegrees = 0.0;
  // A 4D file's volumes (contrasts, time points) are its channels: how many there
  // were, and seconds between them when the header says its 4th axis is time.
  int volumeCount = 1;
  double secondsPerVolume = 0.0;
  // Things the reader tolerated but a user should hear about (e.g. uneven DICOM
  // slice spacing read with allowUnevenSlices), one line each.
  std::vector<std::string> warnings;
};

}  // namespace aunet::core
