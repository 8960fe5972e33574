#include "io/ImageWriter.h"

#include <itkImageIOBase.h>
#include <itkImageIOFactory.h>
// Registers the IO factories of the ITK modules listed in io/CMakeLists.txt.
#include <itkImageFileWriter.h>

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <random>
#include <type_traits>
#include <vector>

#include "io/ImageFormat.h"
#include "core/Error.h"
#include "core/FileCommit.h"
#include "io/internal/SizeChecks.h"
#include "io/internal/ItkSupport.h"

namespace aunet::io {

namespace fs = std::filesystem;
using core::Error;

namespace {

void checkWritablePath(const std::string& path) {
  const ImageFormat format = formatFromExtension(path);
  const std::string ext = imageExtension(path);
  // .mhd/.nhdr write a second data file whose name is stored inside the header:
  // renaming the header would break it, so only single-file formats are written.
  if (!(ext == ".nii" || ext == ".nii.gz" || ext == ".nrrd" || ext == ".mha"))
    throw Error(path, "cannot write " + (format == ImageFormat::Unknown ? "extension '" + ext + "'" : toString(format) + " (" + ext + ")") +
                          "; supported: .nii .nii.gz .nrrd .mha");
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) throw Error(path, "folder " + parent.string() + " does not exist");
  if (fs::is_directory(path, ec)) throw Error(path, "is a folder");
}

// `from` gzip-compressed into `to` at zlib `level`. ITK's NIfTI writer ignores the
// compression level (always zlib's default 6, 5.6x slower than level 1 on a CT), and
// a .nii.gz is just the gzip of the .nii, so aunet compresses it itself.
void gzipFile(const std::string& from, const std::string& to, int level, const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(from.c_str(), "rb"), &std::fclose);
  if (!in) throw Error(path, "cannot write: the uncompressed temporary file is gone");
  const std::string mode = "wb" + std::to_string(std::clamp(level, 1, 9));
  gzFile out = gzopen(to.c_str(), mode.c_str());
  if (!out) throw Error(path, "cannot write: cannot create " + to);
  std::vector<char> chunk(size_t{1} << 20);
  bool ok = true;
  size_t n;
  while (ok && (n = std::fread(chunk.data(), 1, chunk.size(), in.get())) > 0)
    ok = gzwrite(out, chunk.data(), static_cast<unsigned>(n)) == static_cast<int>(n);
  ok = ok && !std::ferror(in.get());
  // gzclose flushes the last block: a full disk often shows only here.
  if (gzclose(out) != Z_OK || !ok) throw Error(path, "cannot write: compressing failed (disk full?)");
}

// Writes `buffer` (interleaved components of type `component`) through ITK's
// ImageIO for the file's extension, to a temporary file, then renames it.
void writeBuffer(const std::string& path, const core::Geometry& g, int components, itk::IOComponentEnum component,
                 const void* buffer, const WriteOptions& options) {
  checkWritablePath(path);
  g.validate(path);
  const std::string tmp = temporaryPathFor(path);
  const std::string ext = imageExtension(path);
  // .nii.gz: ITK writes the .nii next to it, gzipFile() compresses it (see there).
  const bool gzipHere = ext == ".nii.gz";
  const std::string itkTmp = gzipHere ? tmp.substr(0, tmp.size() - 3) : tmp;
  auto discard = [&] {
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::remove(itkTmp, ec);
  };
  try {
    itk::ImageIOBase::Pointer io = itk::ImageIOFactory::CreateImageIO(itkTmp.c_str(), itk::IOFileModeEnum::WriteMode);
    if (!io) throw Error(path, "no ITK writer for extension '" + imageExtension(path) + "'");
    io->SetNumberOfDimensions(3);
    itk::ImageIORegion region(3);
    for (unsigned a = 0; a < 3; ++a) {
      io->SetDimensions(a, static_cast<itk::SizeValueType>(g.size[a]));
      io->SetSpacing(a, g.spacing[a]);
      io->SetOrigin(a, g.origin[a]);
      io->SetDirection(a, std::vector<double>{g.direction[a], g.direction[3 + a], g.direction[6 + a]});
      region.SetIndex(a, 0);
      region.SetSize(a, static_cast<itk::SizeValueType>(g.size[a]));
    }
    io->SetIORegion(region);
    io->SetComponentType(component);
    io->SetNumberOfComponents(static_cast<unsigned>(components));
    io->SetPixelType(components == 1 ? itk::IOPixelEnum::SCALAR : itk::IOPixelEnum::VECTOR);
    io->SetUseCompression(!gzipHere && ext != ".nii" && options.compress);
    io->SetCompressionLevel(std::clamp(options.compressionLevel, 1, 9));
    io->SetFileName(itkTmp);
    io->WriteImageInformation();
    io->Write(buffer);
    std::error_code ec;
    if (gzipHere) {
      if (!fs::is_regular_file(itkTmp, ec)) throw Error(path, "the writer produced no file");
      gzipFile(itkTmp, tmp, options.compressionLevel, path);
      fs::remove(itkTmp, ec);
    }
    if (!fs::is_regular_file(tmp, ec)) throw Error(path, "the writer produced no file");
    // ITK's writers do not all report a failed write (a full disk, a quota): check
    // that the file holds every byte before it takes the final name.
    try {
      const uint64_t bytes = static_cast<uint64_t>(g.voxelCount()) * static_cast<uint64_t>(components) *
                             static_cast<uint64_t>(io->GetComponentSize());
      internal::checkClaimAgainstFile(tmp, formatFromExtension(path), bytes);
    } catch (const Error&) {
      throw Error(path, "cannot write: the file came out incomplete (disk full?)");
    }
    core::commitTemporaryFile(tmp, path);  // fsync, then an atomic rename within one folder
  } catch (const itk::ExceptionObject& e) {
    discard();
    throw Error(path, "cannot write: " + internal::describeItkError(e));
  } catch (const Error&) {
    discard();
    throw;
  } catch (const std::exception& e) {
    discard();
    throw Error(path, std::string("cannot write: ") + e.what());
  }
}

// True when every value is a whole number inside T's range.
template <typename T>
bool fitsExactly(const std::vector<float>& values) {
  for (float v : values)
    if (!(v == std::floor(v)) || v < static_cast<float>(std::numeric_limits<T>::lowest()) ||
        v > static_cast<float>(std::numeric_limits<T>::max()))
      return false;
  return true;
}

template <typename T>
std::vector<T> interleave(const core::Volume& volume) {
  const int64_t n = volume.geometry().voxelCount();
  const int comps = volume.channels();
  std::vector<T> out(static_cast<size_t>(n * comps));
  for (int c = 0; c < comps; ++c) {
    const float* src = volume.channel(c);
    for (int64_t v = 0; v < n; ++v) out[v * comps + c] = static_cast<T>(src[v]);
  }
  return out;
}

}  // namespace

std::string temporaryPathFor(const std::string& path) {
  const fs::path p(path);
  const std::string name = p.filename().string();
  const std::string ext = imageExtension(path);
  const std::string stem = name.substr(0, name.size() - ext.size());
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%08llx", static_cast<unsigned long long>(rng() & 0xffffffffULL));
  const std::string tmpName = "." + stem + ".tmp-" + std::to_string(::getpid()) + "-" + suffix + ext;
  return (p.parent_path() / tmpName).string();
}

void writeImage(const core::Volume& volume, const std::string& path, const WriteOptions& options) {
  if (volume.empty()) throw Error(path, "cannot write an empty volume");
  const core::PixelType original = volume.originalType();
  const core::Geometry& g = volume.geometry();
  // Write the original integer type when it represents every value exactly.
  if (options.keepIntegerType && core::isInteger(original)) {
    bool written = false;
    internal::dispatchComponent(internal::itkComponentOf(original), path, [&](auto tag) {
      using T = decltype(tag);
      if constexpr (std::is_integral_v<T>) {
        if (fitsExactly<T>(volume.voxels())) {
          const std::vector<T> data = interleave<T>(volume);
          writeBuffer(path, g, volume.channels(), internal::itkComponentOf(original), data.data(), options);
          written = true;
        }
      }
    });
    if (written) return;
  }
  const std::vector<float> data = volume.channels() == 1 ? std::vector<float>() : interleave<float>(volume);
  writeBuffer(path, g, volume.channels(), itk::IOComponentEnum::FLOAT,
              volume.channels() == 1 ? volume.data() : data.data(), options);
}

void writeLabelMap(const core::LabelMap& labels, const std::string& path, const WriteOptions& options) {
  if (labels.labels().empty()) throw Error(path, "cannot write an empty label map");
  if (labels.maxLabel() <= 255) {
    const std::vector<uint8_t> bytes(labels.labels().begin(), labels.labels().end());
    writeBuffer(path, labels.geometry(), 1, itk::IOComponentEnum::UCHAR, bytes.data(), options);
  } else {
    writeBuffer(path, labels.geometry(), 1, itk::IOComponentEnum::USHORT, labels.data(), options);
  }
}

}  // namespace aunet::io
