#pragma once
// readImage()/readLabelMap()/readImageInfo() through the aunet-image-reader helper
// (io/ReadIsolation.h). Every failure is a core::Error naming the path: the helper's
// own error as it would be in process, or why the helper ended without an answer.

#include <string>

#include <vector>

#include "io/DicomSeriesInfo.h"
#include "io/ImageReader.h"

namespace aunet::io::internal {

// True when setReadIsolation() named a helper.
bool readIsolationEnabled();

core::Volume readImageInHelper(const std::string& path, const ReadOptions& options);
core::LabelMap readLabelMapInHelper(const std::string& path, const ReadOptions& options);
ImageInfo readImageInfoInHelper(const std::string& path, const ReadOptions& options);
std::vector<DicomSeriesInfo> scanDicomSeriesInHelper(const std::string& folder, bool recursive);

}  // namespace aunet::io::internal
