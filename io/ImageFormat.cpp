#include "io/ImageFormat.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

namespace aunet::io {

namespace fs = std::filesystem;

std::string imageExtension(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  auto endsWith = [&](const std::string& s) {
    return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  for (const char* twoPart : {".nii.gz", ".nrrd.gz"})
    if (endsWith(twoPart)) return twoPart;
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  return name.substr(dot);
}

ImageFormat formatFromExtension(const std::string& path) {
  const std::string ext = imageExtension(path);
  if (ext == ".nii" || ext == ".nii.gz") return ImageFormat::Nifti;
  if (ext == ".nrrd" || ext == ".nhdr") return ImageFormat::Nrrd;
  if (ext == ".mha" || ext == ".mhd") return ImageFormat::MetaImage;
  if (ext == ".dcm") return ImageFormat::Dicom;
  if (ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff" || ext == ".bmp")
    return ImageFormat::Raster2D;
  return ImageFormat::Unknown;
}

ImageFormat detectFormat(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return ImageFormat::Dicom;
  const ImageFormat byName = formatFromExtension(path);
  if (byName != ImageFormat::Unknown) return byName;
  // DICOM files are often named by UID or number: look for the Part 10 magic.
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  if (in.seekg(128) && in.read(magic, 4) && std::string(magic, 4) == "DICM") return ImageFormat::Dicom;
  // Old archives hold data sets without the preamble and meta header: they start with
  // a little-endian element of group 0002 or 0008 (the DICOM reader checks the rest).
  unsigned char group[2] = {};
  in.clear();
  if (in.seekg(0) && in.read(reinterpret_cast<char*>(group), 2) && group[1] == 0 && (group[0] == 2 || group[0] == 8))
    return ImageFormat::Dicom;
  return ImageFormat::Unknown;
}

std::string toString(ImageFormat format) {
  switch (format) {
    case ImageFormat::Nifti: return "NIfTI";
    case ImageFormat::Nrrd: return "NRRD";
    case ImageFormat::MetaImage: return "MetaImage";
    case ImageFormat::Dicom: return "DICOM";
    case ImageFormat::Raster2D: return "2D raster";
    case ImageFormat::Unknown: return "unknown";
  }
  return "unknown";
}

}  // namespace aunet::io
