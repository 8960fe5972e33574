#pragma once
// How writeImage()/writeLabelMap() encode a file.

namespace aunet::io {

struct WriteOptions {
  // gzip the voxel data of .nrrd and .mha files (NIfTI follows the extension:
  // .nii.gz is compressed, .nii is not).
  bool compress = true;

  // writeImage(): when the volume's originalType is an integer type and every voxel
  // is an integer inside that type's range, write that type (a CT read as int16 is
  // written back as int16); otherwise float32. false always writes float32.
  bool keepIntegerType = true;
};

}  // namespace aunet::io
