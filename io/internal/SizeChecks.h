#pragma once
// PRIVATE to aunet_io: checks that run on a header's claims before any voxel buffer
// is allocated, so a corrupt or hostile header cannot make us allocate terabytes.

#include <cstdint>
#include <string>

#include "io/ImageFormat.h"
#include "io/ReadOptions.h"
#include "core/Geometry.h"

namespace aunet::io::internal {

// Throws core::Error(path, ...) when the claimed grid exceeds options.maxVoxels, or
// the buffers needed (native bytes once, plus float once) exceed available memory
// or options.memoryLimitBytes.
void checkAllocation(const std::string& path, const core::Geometry& geometry, int components,
                     size_t componentBytes, const ReadOptions& options);

// Throws when the voxel data the header claims cannot fit in the file: for
// uncompressed data the file must hold every byte; for gzip data the claim must be
// within gzip's maximum compression ratio of the file size. Formats whose data lies
// elsewhere or whose encoding is not known are left to the decoder.
void checkClaimAgainstFile(const std::string& path, ImageFormat format, uint64_t claimedBytes);

// MetaImage only (.mha, .mhd): throws when a header line's field name is longer than
// MetaIO's fixed 255-byte name buffer, which its reader fills with strcpy (a crafted
// header overflowed it: found by fuzz_image_reader), or when ElementDataFile is a
// file-name pattern ('%': MetaIO divided by zero on a damaged one).
void checkMetaImageHeader(const std::string& path);

}  // namespace aunet::io::internal
