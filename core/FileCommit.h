#pragma once
// The last step of every atomic write: a finished temporary file in the target folder
// is flushed to the device (fsync), renamed onto its final name, and the folder entry
// is flushed too, so neither a killed process nor a power cut leaves a partial file
// under a final name. Std + POSIX only (used by io/ and model/).

#include <string>

namespace aunet::core {

// Throws core::Error("<finalPath>: <reason>") when the data cannot be flushed (a full
// disk or an I/O error shows here on some file systems) or the rename fails; the
// temporary file is removed then.
void commitTemporaryFile(const std::string& temporaryPath, const std::string& finalPath);

}  // namespace aunet::core
