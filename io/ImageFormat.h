#pragma once
// Which reader or writer handles a path, decided from its extension (and, for
// DICOM, from a folder or the "DICM" magic of a file without a known extension).

#include <string>

namespace aunet::io {

enum class ImageFormat {
  Nifti,      // .nii, .nii.gz (ITK)
  Nrrd,       // .nrrd, .nhdr (ITK)
  MetaImage,  // .mha, .mhd (ITK)
  Dicom,      // a folder, .dcm, or a file starting with the DICOM preamble (ITK GDCM)
  Raster2D,   // .png, .jpg, .jpeg, .tif, .tiff, .bmp (OpenCV)
  Unknown,
};

// The extension in lower case, double extensions kept: "a/b.NII.GZ" -> ".nii.gz".
std::string imageExtension(const std::string& path);

// The format by extension only (no file access): Dicom for ".dcm", Unknown when the
// extension is not one of the above.
ImageFormat formatFromExtension(const std::string& path);

// formatFromExtension(), plus: an existing folder, or an existing file whose bytes
// 128..131 are "DICM", is Dicom.
ImageFormat detectFormat(const std::string& path);

std::string toString(ImageFormat format);

}  // namespace aunet::io
