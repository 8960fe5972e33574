#include "io/ImageReader.h"

#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>
// Registers the IO factories of the ITK modules listed in io/CMakeLists.txt.
#include <itkImageFileReader.h>
#include <itkMetaImageIO.h>
#include <itkNrrdImageIO.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <sstream>
#include <type_traits>

#include "io/DicomObjectReader.h"
#include "io/DicomSeriesReader.h"
#include "io/RasterImageReader.h"
#include "core/Error.h"
#include "io/internal/IsolatedRead.h"
#include "io/internal/ItkSupport.h"
#include "io/internal/LabelValueCheck.h"
#include "io/internal/NiftiReader.h"
#include "io/internal/SizeChecks.h"

namespace aunet::io {

namespace fs = std::filesystem;
using core::Error;

namespace {

// What the ITK header says, before any voxel is read.
struct Header {
  itk::ImageIOBase::Pointer io;
  ImageFormat format = ImageFormat::Unknown;
  core::Geometry geometry;
  int components = 1;
  itk::IOComponentEnum componentType = itk::IOComponentEnum::UNKNOWNCOMPONENTTYPE;
};

void requireExistingFile(const std::string& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw Error(path, "no such file or folder");
  if (fs::is_regular_file(status) && fs::file_size(path, ec) == 0) throw Error(path, "file is empty");
}

std::string sizeText(const itk::ImageIOBase& io) {
  std::string s;
  for (unsigned a = 0; a < io.GetNumberOfDimensions(); ++a)
    s += (a ? "x" : "") + std::to_string(io.GetDimensions(a));
  return s;
}

Header readHeader(const std::string& path, ImageFormat format) {
  Header h;
  h.format = format;
  if (format == ImageFormat::MetaImage) internal::checkMetaImageHeader(path);
  // The extension decides which reader may run. ITK's factory asks every registered
  // reader whether it can read the file, by content: a ".nii" holding PNG bytes went
  // to ITK's PNG reader, whose libpng error path aborts, and one holding DICOM bytes
  // to GDCM's CanReadFile, which asserts on a damaged meta group (both found by
  // fuzz_image_reader). Only other extensions go through the factory.
  switch (format) {
    case ImageFormat::Nrrd: h.io = itk::NrrdImageIO::New(); break;
    case ImageFormat::MetaImage: h.io = itk::MetaImageIO::New(); break;
    default: h.io = itk::ImageIOFactory::CreateImageIO(path.c_str(), itk::IOFileModeEnum::ReadMode);
  }
  if (!h.io || !h.io->CanReadFile(path.c_str())) {
    if (format == ImageFormat::Unknown)
      throw Error(path, "unknown image format (extension '" + imageExtension(path) +
                            "'); supported: .nii .nii.gz .nrrd .nhdr .mha .mhd DICOM .png .jpg .tif .bmp");
    throw Error(path, "not a valid " + toString(format) + " file (unreadable or corrupt header)");
  }
  try {
    h.io->SetFileName(path);
    h.io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throw Error(path, "cannot read header: " + internal::describeItkError(e));
  }
  itk::ImageIOBase& io = *h.io;
  const unsigned dims = io.GetNumberOfDimensions();
  if (dims < 2) throw Error(path, "image has " + std::to_string(dims) + " dimension(s); expected 2D or 3D");
  // Trailing axes of length 1 (a NIfTI with dim[4] = 1) are harmless; a real 4th
  // axis (time, several volumes) is not a 3D image.
  for (unsigned a = 3; a < dims; ++a)
    if (io.GetDimensions(a) > 1)
      throw Error(path, "image is " + std::to_string(dims) + "D (size " + sizeText(io) +
                            "); expected a single 3D volume");
  core::Geometry& g = h.geometry;
  const unsigned used = std::min(dims, 3u);
  for (unsigned a = 0; a < used; ++a) {
    g.size[a] = static_cast<int64_t>(io.GetDimensions(a));
    g.spacing[a] = io.GetSpacing(a);
    g.origin[a] = io.GetOrigin(a);
    const std::vector<double> column = io.GetDirection(a);
    for (unsigned r = 0; r < used; ++r) g.direction[r * 3 + a] = column[r];
  }
  g.validate(path);
  h.components = static_cast<int>(io.GetNumberOfComponents());
  h.componentType = io.GetComponentType();
  if (h.components < 1) throw Error(path, "image has no pixel components");
  // A MetaImage with an unknown ElementType gets this far; GetComponentSize() would
  // then throw outside any handler (found by fuzz_image_reader).
  if (h.componentType == itk::IOComponentEnum::UNKNOWNCOMPONENTTYPE)
    throw Error(path, "unknown voxel type in the header");
  return h;
}

// Reads the voxel data in its native type; one allocation, checked beforehand.
std::unique_ptr<unsigned char[]> readNative(const std::string& path, Header& h, const ReadOptions& options) {
  itk::ImageIOBase& io = *h.io;
  const size_t componentBytes = io.GetComponentSize();
  internal::checkAllocation(path, h.geometry, h.components, componentBytes, options);
  const uint64_t bytes =
      static_cast<uint64_t>(h.geometry.voxelCount()) * static_cast<uint64_t>(h.components) * componentBytes;
  internal::checkClaimAgainstFile(path, h.format, bytes);
  std::unique_ptr<unsigned char[]> buffer(new (std::nothrow) unsigned char[bytes]);
  if (!buffer) throw Error(path, "not enough memory for " + std::to_string(bytes >> 20) + " MiB of voxel data");
  try {
    itk::ImageIORegion region(io.GetNumberOfDimensions());
    for (unsigned a = 0; a < io.GetNumberOfDimensions(); ++a) {
      region.SetIndex(a, 0);
      region.SetSize(a, io.GetDimensions(a));
    }
    io.SetIORegion(region);
    io.Read(buffer.get());
  } catch (const itk::ExceptionObject& e) {
    throw Error(path, "cannot read voxel data: " + internal::describeItkError(e));
  }
  return buffer;
}

core::Volume readWithItk(const std::string& path, ImageFormat format, const ReadOptions& options) {
  Header h = readHeader(path, format);
  const auto buffer = readNative(path, h, options);
  core::Volume volume(h.geometry, h.components, internal::pixelTypeOf(h.componentType));
  const int64_t n = h.geometry.voxelCount();
  const int comps = h.components;
  int64_t nonFinite = 0;
  internal::dispatchComponent(h.componentType, path, [&](auto tag) {
    using T = decltype(tag);
    const T* src = reinterpret_cast<const T*>(buffer.get());
    for (int c = 0; c < comps; ++c) {
      float* dst = volume.channel(c);
      // ITK interleaves components; we store channel after channel.
      for (int64_t v = 0; v < n; ++v) dst[v] = static_cast<float>(src[v * comps + c]);
      if constexpr (std::is_floating_point_v<T>)
        for (int64_t v = 0; v < n; ++v) nonFinite += !std::isfinite(dst[v]);
    }
  });
  if (nonFinite > 0 && !options.allowNonFinite)
    throw Error(path, std::to_string(nonFinite) + " of " + std::to_string(n * comps) +
                          " voxel values are NaN or infinite (or beyond float range)");
  return volume;
}

// Converts any integer-valued voxel to a label; values that cannot be labels refuse the file.
template <typename T>
void toLabels(const std::string& path, const T* src, int64_t n, uint16_t* dst) {
  internal::LabelValueCheck check;
  for (int64_t v = 0; v < n; ++v)
    if (check.accept(src[v])) dst[v] = static_cast<uint16_t>(src[v]);
  check.throwIfRejected(path);
}

// ReadOptions::volumeIndex for formats whose channels are decoded together.
void keepOneChannel(core::Volume& volume, int index, const std::string& path) {
  if (index < 0) return;
  if (index >= volume.channels())
    throw Error(path, "volume " + std::to_string(index) + " asked for, but the file has " +
                          std::to_string(volume.channels()) + " volume(s), numbered from 0");
  if (volume.channels() == 1) return;
  core::Volume one(volume.geometry(), 1, volume.originalType());
  std::copy(volume.channel(index), volume.channel(index) + volume.geometry().voxelCount(), one.data());
  one.metadata() = volume.metadata();
  volume = std::move(one);
}

}  // namespace

core::Volume readImage(const std::string& path, const ReadOptions& options) {
  requireExistingFile(path);
  if (internal::readIsolationEnabled()) return internal::readImageInHelper(path, options);
  const ImageFormat format = detectFormat(path);
  core::Volume volume;
  if (format == ImageFormat::Dicom) {
    volume = readDicom(path, options);
  } else if (format == ImageFormat::Raster2D) {
    volume = readRasterImage(path, options);
  } else if (format == ImageFormat::Nifti) {
    volume = internal::readNiftiImage(path, options);
  } else {
    volume = readWithItk(path, format, options);
  }
  if (format != ImageFormat::Nifti) keepOneChannel(volume, options.volumeIndex, path);
  volume.metadata().sourcePath = path;
  return volume;
}

core::LabelMap readLabelMap(const std::string& path, const ReadOptions& options) {
  requireExistingFile(path);
  const ImageFormat format = detectFormat(path);
  // A DICOM SEG or RT Structure Set (or a folder holding one and its series): DCMTK
  // parses it here (no image decoder involved); its series' grid when it is beside it.
  if (format == ImageFormat::Dicom && !findDicomLabelObject(path).empty()) return readDicomLabelObject(path).labels;
  if (internal::readIsolationEnabled()) return internal::readLabelMapInHelper(path, options);
  if (format == ImageFormat::Dicom || format == ImageFormat::Raster2D) {
    // Decoded through the float volume: exact for every value a label can take.
    const core::Volume volume = readImage(path, options);
    if (volume.channels() != 1)
      throw Error(path, "not a label map: " + std::to_string(volume.channels()) + " channels (one expected)");
    core::LabelMap labels(volume.geometry());
    toLabels(path, volume.data(), volume.geometry().voxelCount(), labels.data());
    labels.metadata() = volume.metadata();
    return labels;
  }
  if (format == ImageFormat::Nifti) {
    core::LabelMap labels = internal::readNiftiLabelMap(path, options);
    labels.metadata().sourcePath = path;
    return labels;
  }
  Header h = readHeader(path, format);
  if (h.components != 1)
    throw Error(path, "not a label map: " + std::to_string(h.components) + " components per voxel (one expected)");
  const auto buffer = readNative(path, h, options);
  core::LabelMap labels(h.geometry);
  internal::dispatchComponent(h.componentType, path, [&](auto tag) {
    using T = decltype(tag);
    toLabels(path, reinterpret_cast<const T*>(buffer.get()), h.geometry.voxelCount(), labels.data());
  });
  labels.metadata().sourcePath = path;
  return labels;
}

ImageInfo readImageInfo(const std::string& path, const ReadOptions& options) {
  requireExistingFile(path);
  if (internal::readIsolationEnabled()) return internal::readImageInfoInHelper(path, options);
  ImageInfo info;
  info.format = detectFormat(path);
  if (info.format == ImageFormat::Nifti) return internal::readNiftiInfo(path, options);
  if (info.format == ImageFormat::Dicom || info.format == ImageFormat::Raster2D) {
    const core::Volume volume = readImage(path, options);
    info.geometry = volume.geometry();
    info.channels = volume.channels();
    info.pixelType = volume.originalType();
    info.warnings = volume.metadata().warnings;
    return info;
  }
  const Header h = readHeader(path, info.format);
  info.geometry = h.geometry;
  info.channels = h.components;
  info.pixelType = internal::pixelTypeOf(h.componentType);
  return info;
}

}  // namespace aunet::io
