#pragma once
// Writing small text outputs (JSON and CSV reports) atomically, like the image
// writers: the content goes to a hidden temporary file in the target folder
// (io::temporaryPathFor), which is renamed onto the final name once complete and
// flushed, so readers never see a half-written report.

#include <string>

namespace aunet::io {

// Creates missing parent folders. Throws core::Error "<path>: <reason>" and leaves no
// temporary file behind on failure.
void writeTextFile(const std::string& path, const std::string& content);

}  // namespace aunet::io
