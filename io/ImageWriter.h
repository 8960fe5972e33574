#pragma once
// Writing volumes and label maps with their exact geometry to .nii, .nii.gz, .nrrd
// or .mha. Writes are atomic: the data goes to a hidden temporary file in the same
// folder, which is renamed onto the final name only when complete, so a crash or
// kill never leaves a half-written file under the final name. Failures throw
// core::Error "<final path>: <reason>" and leave no temporary file behind.

#include <string>

#include "io/WriteOptions.h"
#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::io {

// Channels become vector components. Pixel type: see WriteOptions::keepIntegerType.
void writeImage(const core::Volume& volume, const std::string& path, const WriteOptions& options = {});

// uint8 when the largest label is <= 255, else uint16.
void writeLabelMap(const core::LabelMap& labels, const std::string& path, const WriteOptions& options = {});

// The temporary name a write to `path` goes through first:
// "<folder>/.<stem>.tmp-<pid>-<random><extension>" (the extension is kept so ITK
// picks the right format). Exposed for tests and for callers writing other files.
std::string temporaryPathFor(const std::string& path);

}  // namespace aunet::io
