#pragma once
// PRIVATE to aunet's own tools (benchmark, tests): writes a volume as a DICOM series,
// one file per slice, through ITK's GDCM writer. Not a product feature (aunet does not
// export DICOM): no atomic write, no patient/study metadata beyond what a reader
// needs. This header is ITK-free so tools outside aunet_io may include it.

#include <string>
#include <vector>

#include "core/Volume.h"

namespace aunet::io::internal {

// Writes channel 0 of `volume` as int16 slices "<folder>/slice_0000.dcm", ... with
// Image Position/Orientation (Patient) from its geometry, so reading the folder gives
// the same grid. Every voxel must be a whole number in the int16 range. `folder` must
// exist. Returns the files written, in slice order. Throws core::Error.
std::vector<std::string> writeDicomSeries(const core::Volume& volume, const std::string& folder,
                                          const std::string& modality = "CT");

}  // namespace aunet::io::internal
