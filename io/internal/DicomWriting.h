#pragma once
// What the SEG and the RTSTRUCT writer share: DS strings within the 16 characters
// DICOM allows, the source's first data set made referenceable (badly anonymised
// files get the series' derived UIDs, in memory only), and the atomic save.

#include <dcmtk/dcmdata/dcfilefo.h>

#include <string>
#include <vector>

#include "io/DicomSourceSeries.h"

namespace aunet::io::internal {

// A decimal string (DS) of at most 16 characters.
std::string decimalString(double value);

// The values of a multi-valued string ("a\b\c").
std::vector<std::string> splitValues(const std::string& values);

// Adds the series' (possibly derived) Study/Series/SOP/Frame of Reference UIDs to a
// source data set whose own are empty, so modules imported from it reference what the
// written object references. The file itself is not touched.
void completeSourceUids(DcmDataset& dataset, const DicomSourceSeries& source, const DicomSourceFrame& frame);

// Saves `format` to a temporary name beside `outputPath` and renames it into place.
void saveAtomically(DcmFileFormat& format, const std::string& outputPath);

}  // namespace aunet::io::internal
