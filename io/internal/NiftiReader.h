#pragma once
// PRIVATE to aunet_io: reads .nii and .nii.gz files (NIfTI-1 and NIfTI-2) without
// ITK. The rules (docs/io.md, "NIfTI"):
// - Geometry: the sform when sform_code > 0 (NIfTI's method 3, what nibabel, FSL and
//   MONAI show), else the qform when qform_code > 0 (method 2), else pixdim alone
//   (method 1). Axis directions are the nearest rotation to the chosen affine's
//   columns (a warning when that moves a voxel by more than 1e-4 of its spacing);
//   a warning when sform and qform place voxels more than a voxel apart.
// - Intensities: scl_slope/scl_inter applied (values as float); the stored datatype
//   and extents decide how many bytes the file must hold.
// - A 4th axis (volumes: contrasts, time points) becomes channels; ReadOptions::
//   volumeIndex reads one of them.

#include <string>

#include "io/ImageReader.h"
#include "io/ReadOptions.h"
#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::io::internal {

core::Volume readNiftiImage(const std::string& path, const ReadOptions& options);
core::LabelMap readNiftiLabelMap(const std::string& path, const ReadOptions& options);
// Header only: no voxel is read.
ImageInfo readNiftiInfo(const std::string& path, const ReadOptions& options);

}  // namespace aunet::io::internal
