#pragma once
// Finds the DICOM series in a folder (for the viewer's series picker and for
// readImage() on a folder). Uses ITK's GDCM bridge; no ITK in this header.

#include <string>
#include <vector>

#include "io/DicomSeriesInfo.h"

namespace aunet::io {

// Every series in `folder` (and its subfolders when recursive), largest first.
// Non-DICOM files are ignored. Throws core::Error when the folder does not exist.
std::vector<DicomSeriesInfo> scanDicomSeries(const std::string& folder, bool recursive = false);

// The series a path designates: for a folder, the one matching `uid` (a series id
// or SeriesInstanceUID; empty: the largest image series); for a file, the series
// that file belongs to in its folder. Throws core::Error naming the path when there
// is no image series or the uid is not found.
DicomSeriesInfo selectDicomSeries(const std::string& path, const std::string& uid = {}, bool recursive = false);

}  // namespace aunet::io
