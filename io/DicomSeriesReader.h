#pragma once
// Reads one DICOM series (chosen by selectDicomSeries()) into a Volume: slices in
// order along the normal, rescale slope/intercept applied (CT in Hounsfield units),
// modality, window, series and patient description in the metadata. Slice
// positions are checked: uneven spacing or a missing slice is an error unless
// ReadOptions::allowUnevenSlices, which reads it with a warning in the metadata.

#include <string>

#include "io/ReadOptions.h"
#include "core/Volume.h"

namespace aunet::io {

// `path`: a folder (ReadOptions::dicomSeriesUid / dicomRecursive apply) or one file
// of the series (its whole series is read; a multi-frame file is read alone).
core::Volume readDicom(const std::string& path, const ReadOptions& options = {});

}  // namespace aunet::io
