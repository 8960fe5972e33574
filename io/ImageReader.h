#pragma once
// Reading images and label maps from any supported format into the shared types.
// Every failure (missing file, unknown format, corrupt or truncated data, a 4D image,
// a header claiming an absurd size, NaN/Inf voxels, invalid geometry) throws
// core::Error with one line "<path>: <reason>"; nothing is allocated from an
// unchecked header. See docs/io.md for formats and conventions.

#include <string>
#include <vector>

#include "io/ImageFormat.h"
#include "io/ReadOptions.h"
#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "core/PixelType.h"
#include "core/Volume.h"

namespace aunet::io {

// NIfTI (.nii, .nii.gz), NRRD (.nrrd, .nhdr), MetaImage (.mha, .mhd), DICOM (a
// folder, a .dcm file or any DICOM Part 10 file: its series is read), 2D PNG/JPEG/
// TIFF/BMP. Voxels become float; multi-component pixels and the volumes of a 4D NIfTI
// become channels; 2D images have one slice. Geometry is LPS. NIfTI is read by aunet
// itself (scaling, sform before qform, NIfTI-2: io/internal/NiftiReader.h), every
// other format through ITK, GDCM or OpenCV.
core::Volume readImage(const std::string& path, const ReadOptions& options = {});

// An integer segmentation: one component, integer values in [0, 65535]. Float files
// are accepted when every value is a whole number. A DICOM SEG or RT Structure Set
// file (or a folder holding one) reads through io/DicomObjectReader.h: segment numbers
// become label values. Anything else throws.
core::LabelMap readLabelMap(const std::string& path, const ReadOptions& options = {});

// What a file holds, from its header only (cheap: no voxel data is read, except for
// DICOM and 2D raster images which are decoded).
struct ImageInfo {
  ImageFormat format = ImageFormat::Unknown;
  core::Geometry geometry;
  int channels = 1;
  int volumes = 1;                 // a 4D NIfTI's 4th axis: its volumes are the channels
  double secondsPerVolume = 0.0;   // when that axis is time
  core::PixelType pixelType = core::PixelType::Float32;
  std::vector<std::string> warnings;
};
ImageInfo readImageInfo(const std::string& path, const ReadOptions& options = {});

}  // namespace aunet::io
