#pragma once
// How writeImage()/writeLabelMap() encode a file.

namespace aunet::io {

struct WriteOptions {
  // gzip the voxel data of .nrrd and .mha files (NIfTI follows the extension:
  // .nii.gz is compressed, .nii is not).
  bool compress = true;
  // zlib level for compressed files, 1 (fastest) to 9 (smallest). 1 is nibabel's
  // default too: on a CT volume it wrote 5.6x faster than gzip's default 6 for a file
  // 3% larger (docs/performance.md), and masks shrink almost as well at any level.
  int compressionLevel = 1;

  // writeImage(): when the volume's originalType is an integer type and every voxel
  // is an integer inside that type's range, write that type (a CT read as int16 is
  // written back as int16); otherwise float32. false always writes float32.
  bool keepIntegerType = true;
};

}  // namespace aunet::io
