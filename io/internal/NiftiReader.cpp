#include "io/internal/NiftiReader.h"

#include <zlib.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <sstream>
#include <type_traits>
#include <vector>

#include "core/Error.h"
#include "io/internal/LabelValueCheck.h"
#include "io/internal/NiftiGrid.h"
#include "io/internal/NiftiHeader.h"
#include "io/internal/SizeChecks.h"

namespace aunet::io::internal {

namespace {

namespace fs = std::filesystem;
using core::Error;

// A .nii or .nii.gz opened through zlib, which reads uncompressed files as they are.
class NiftiInput {
 public:
  explicit NiftiInput(const std::string& path) : path_(path), gz_(gzopen(path.c_str(), "rb")) {
    if (!gz_) throw Error(path, "cannot open file");
    gzbuffer(gz_, 1u << 18);
  }
  ~NiftiInput() { gzclose(gz_); }
  NiftiInput(const NiftiInput&) = delete;
  NiftiInput& operator=(const NiftiInput&) = delete;

  // Reads up to `n` bytes; fewer only at the end of the data. Throws for a damaged
  // gzip stream.
  size_t read(void* dst, size_t n) {
    size_t done = 0;
    auto* out = static_cast<unsigned char*>(dst);
    while (done < n) {
      const unsigned ask = static_cast<unsigned>(std::min<size_t>(n - done, 1u << 30));
      const int got = gzread(gz_, out + done, ask);
      if (got < 0) failed();
      if (got == 0) {
        // zlib reports a stream cut short (even inside its trailer) as Z_BUF_ERROR
        // with a return of 0, not -1.
        int errnum = Z_OK;
        gzerror(gz_, &errnum);
        if (errnum != Z_OK) failed();
        break;
      }
      done += static_cast<size_t>(got);
      position_ += static_cast<uint64_t>(got);
    }
    return done;
  }

  // Skips forward to byte `offset` of the decompressed data; false if the data ends first.
  bool skipTo(uint64_t offset) {
    std::vector<unsigned char> scratch(1u << 16);
    while (position_ < offset) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(scratch.size(), offset - position_));
      if (read(scratch.data(), want) == 0) return false;
    }
    return true;
  }

  bool compressed() const { return gzdirect(gz_) == 0; }
  uint64_t position() const { return position_; }

  // A gzip stream's end carries a CRC-32 that zlib checks only when the stream is read
  // to the end: a bit flip in the voxels would otherwise read as other voxels.
  void verifyToEnd() {
    if (!compressed()) return;
    std::vector<unsigned char> scratch(1u << 20);
    while (read(scratch.data(), scratch.size()) > 0) {
    }
  }

 private:
  [[noreturn]] void failed() {
    int errnum = Z_OK;
    const char* message = gzerror(gz_, &errnum);
    if (errnum == Z_BUF_ERROR)
      throw Error(path_, "compressed file is truncated: its gzip stream ends after " + std::to_string(position_) +
                             " bytes of data, without its checksum");
    throw Error(path_, std::string("compressed data is corrupt (") + (message ? message : "unknown zlib error") + ")");
  }

  std::string path_;
  gzFile gz_;
  uint64_t position_ = 0;
};

struct Layout {
  NiftiHeader header;
  NiftiGrid grid;
  NiftiHeader::StoredType stored;
  int volumes = 1;          // 4th (or 5th) axis: volumes that become channels
  uint64_t volumeBytes = 0; // bytes of one volume as stored
};

std::string sizeText(const NiftiHeader& h) {
  std::string s;
  for (int64_t d = 1; d <= h.dim[0]; ++d) s += (d > 1 ? "x" : "") + std::to_string(h.dim[static_cast<size_t>(d)]);
  return s;
}

Layout readLayout(NiftiInput& in, const std::string& path) {
  unsigned char bytes[540] = {};
  size_t got = in.read(bytes, 348);
  if (got == 348) {
    int32_t size;
    std::memcpy(&size, bytes, 4);
    if (size == 540 || __builtin_bswap32(static_cast<uint32_t>(size)) == 540) got += in.read(bytes + 348, 192);
  }
  Layout l;
  l.header = parseNiftiHeader(path, bytes, got);
  const NiftiHeader& h = l.header;
  for (int a = 6; a <= 7; ++a)
    if (h.extent(a) > 1)
      throw Error(path, "image is " + std::to_string(h.dim[0]) + "D (size " + sizeText(h) +
                            "); aunet reads 2D and 3D images and 4D files of several volumes");
  if (h.extent(4) > 1 && h.extent(5) > 1)
    throw Error(path, "image is 5D (size " + sizeText(h) +
                          "): several volumes of vectors; aunet reads 2D and 3D images and 4D files of several volumes");
  l.stored = h.storedType(path);
  if (h.bitpix != 8 * l.stored.valueBytes * l.stored.valuesPerVoxel)
    l.grid.warnings.push_back("bitpix " + std::to_string(h.bitpix) + " disagrees with datatype " + l.stored.name +
                              "; the datatype decides");
  NiftiGrid grid = niftiGrid(h, path);
  grid.warnings.insert(grid.warnings.begin(), l.grid.warnings.begin(), l.grid.warnings.end());
  l.grid = std::move(grid);
  const int64_t volumes = h.extent(4) * h.extent(5);
  if (volumes > 100000) throw Error(path, "header claims " + std::to_string(volumes) + " volumes (corrupt header?)");
  l.volumes = static_cast<int>(volumes);
  return l;
}

core::PixelType pixelTypeOf(const Layout& l) {
  if (l.header.scaled()) return core::PixelType::Float32;
  switch (l.header.datatype) {
    case 2: case 128: case 2304: return core::PixelType::UInt8;
    case 256: return core::PixelType::Int8;
    case 4: return core::PixelType::Int16;
    case 512: return core::PixelType::UInt16;
    case 8: return core::PixelType::Int32;
    case 768: return core::PixelType::UInt32;
    case 16: return core::PixelType::Float32;
    default: return core::PixelType::Float64;  // 64-bit integers and floats
  }
}

int selectedVolume(const Layout& l, const ReadOptions& options, const std::string& path) {
  if (options.volumeIndex < 0) return -1;
  if (options.volumeIndex >= l.volumes)
    throw Error(path, "volume " + std::to_string(options.volumeIndex) + " asked for, but the file has " +
                          std::to_string(l.volumes) + " volume(s), numbered from 0");
  return options.volumeIndex;
}

// Checks the claim against the file before anything is allocated, positions the input
// at the first wanted voxel and returns the bytes to read.
uint64_t prepareRead(NiftiInput& in, Layout& l, int volume, const ReadOptions& options, const std::string& path) {
  const int readVolumes = volume >= 0 ? 1 : l.volumes;
  const int channels = readVolumes * l.stored.valuesPerVoxel;
  checkAllocation(path, l.grid.geometry, channels, static_cast<size_t>(l.stored.valueBytes), options);
  l.volumeBytes = static_cast<uint64_t>(l.grid.geometry.voxelCount()) * static_cast<uint64_t>(l.stored.valuesPerVoxel) *
                  static_cast<uint64_t>(l.stored.valueBytes);
  const uint64_t wanted = l.volumeBytes * static_cast<uint64_t>(readVolumes);
  const uint64_t needed = l.header.voxOffset + l.volumeBytes * static_cast<uint64_t>(l.volumes);
  std::error_code ec;
  const uint64_t fileBytes = fs::file_size(path, ec);
  if (!ec) {
    if (!in.compressed() && needed > fileBytes)
      throw Error(path, "file is truncated or its header is wrong: a " + sizeText(l.header) + " " + l.stored.name +
                            " image needs " + std::to_string(needed) + " bytes (voxels from byte " +
                            std::to_string(l.header.voxOffset) + "), the file has " + std::to_string(fileBytes));
    // gzip cannot compress better than about 1032:1.
    if (in.compressed() && needed > fileBytes * 1100 + (uint64_t{1} << 20))
      throw Error(path, "header claims " + std::to_string(needed) + " bytes of voxel data, impossible in " +
                            std::to_string(fileBytes) + " bytes of compressed data (corrupt header?)");
  }
  const uint64_t start = l.header.voxOffset + (volume >= 0 ? l.volumeBytes * static_cast<uint64_t>(volume) : 0);
  if (!in.skipTo(start))
    throw Error(path, "compressed file is truncated: it holds " + std::to_string(in.position()) +
                          " bytes, but its voxels start at byte " + std::to_string(start));
  return wanted;
}

template <typename F>
void dispatchStored(int datatype, F&& f) {
  switch (datatype) {
    case 2: case 128: case 2304: f(uint8_t{}); break;
    case 256: f(int8_t{}); break;
    case 4: f(int16_t{}); break;
    case 512: f(uint16_t{}); break;
    case 8: f(int32_t{}); break;
    case 768: f(uint32_t{}); break;
    case 1024: f(int64_t{}); break;
    case 1280: f(uint64_t{}); break;
    case 16: f(float{}); break;
    case 64: f(double{}); break;
    default: break;  // storedType() refused every other code
  }
}

// Streams `wanted` bytes of voxels in chunks that stay in the cache and hands each
// to consume(first value index, values in this machine's byte order, count).
template <typename T, typename Consume>
void streamTyped(NiftiInput& in, const Layout& l, uint64_t wanted, const std::string& path, Consume&& consume) {
  std::vector<T> chunk((size_t{1} << 20) / sizeof(T));
  const size_t chunkBytes = chunk.size() * sizeof(T);
  uint64_t done = 0;
  while (done < wanted) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(chunkBytes, wanted - done));
    const size_t got = in.read(chunk.data(), want);
    if (got < want) {
      std::ostringstream why;
      why << (in.compressed() ? "compressed file is truncated" : "file is truncated") << ": it holds " << done + got
          << " bytes of voxel data but the header (" << sizeText(l.header) << ", " << l.stored.name << ") needs "
          << wanted;
      throw Error(path, why.str());
    }
    const size_t count = got / sizeof(T);
    if (l.header.byteSwapped && sizeof(T) > 1)
      for (size_t e = 0; e < count; ++e) {
        auto* b = reinterpret_cast<unsigned char*>(&chunk[e]);
        for (size_t x = 0, y = sizeof(T) - 1; x < y; ++x, --y) std::swap(b[x], b[y]);
      }
    consume(static_cast<int64_t>(done / sizeof(T)), chunk.data(), static_cast<int64_t>(count));
    done += got;
  }
  in.verifyToEnd();
}

// Calls put(destination index, stored value) for every value. Destinations are
// channel-major: a 4D file's volumes and an RGB file's interleaved colours both
// become channels.
template <typename Put>
void streamValues(NiftiInput& in, const Layout& l, uint64_t wanted, const std::string& path, Put&& put) {
  const int64_t n = l.grid.geometry.voxelCount();
  const int64_t perVoxel = l.stored.valuesPerVoxel;
  dispatchStored(l.header.datatype, [&](auto tag) {
    using T = decltype(tag);
    streamTyped<T>(in, l, wanted, path, [&](int64_t first, const T* values, int64_t count) {
      if (perVoxel == 1) {
        put(first, values, count);
        return;
      }
      for (int64_t e = 0; e < count; ++e) {
        const int64_t s = first + e, block = s / (n * perVoxel), r = s % (n * perVoxel);
        put((block * perVoxel + r % perVoxel) * n + r / perVoxel, values + e, 1);
      }
    });
  });
}

void describeVolumes(core::VolumeMetadata& m, const Layout& l, int volume) {
  m.volumeCount = volume >= 0 ? 1 : l.volumes;
  m.secondsPerVolume = l.header.extent(4) > 1 ? l.header.secondsPerVolume() : 0.0;
  for (const auto& w : l.grid.warnings) m.warnings.push_back(w);
  if (l.header.scaled()) {
    m.rescaleApplied = true;
    m.rescaleSlope = l.header.slope();
    m.rescaleIntercept = l.header.intercept();
  }
}

}  // namespace

core::Volume readNiftiImage(const std::string& path, const ReadOptions& options) {
  NiftiInput in(path);
  Layout l = readLayout(in, path);
  const int volume = selectedVolume(l, options, path);
  const uint64_t wanted = prepareRead(in, l, volume, options, path);
  const int channels = (volume >= 0 ? 1 : l.volumes) * l.stored.valuesPerVoxel;
  core::Volume out(l.grid.geometry, channels, pixelTypeOf(l));
  float* dst = out.data();
  const bool scaled = l.header.scaled();
  const double slope = l.header.slope(), intercept = l.header.intercept();
  int64_t nonFinite = 0;
  // put(first, values, count): values go to first, first + 1, ... in one tight loop.
  streamValues(in, l, wanted, path, [&](int64_t first, const auto* values, int64_t count) {
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(values)>>;
    float* to = dst + first;
    if (scaled) {
      for (int64_t e = 0; e < count; ++e) to[e] = static_cast<float>(slope * static_cast<double>(values[e]) + intercept);
    } else {
      for (int64_t e = 0; e < count; ++e) to[e] = static_cast<float>(values[e]);
    }
    if (scaled || std::is_floating_point_v<T>)
      for (int64_t e = 0; e < count; ++e) nonFinite += !std::isfinite(to[e]);
  });
  if (nonFinite > 0 && !options.allowNonFinite)
    throw Error(path, std::to_string(nonFinite) + " of " + std::to_string(out.voxels().size()) +
                          " voxel values are NaN or infinite (or beyond float range)");
  describeVolumes(out.metadata(), l, volume);
  return out;
}

core::LabelMap readNiftiLabelMap(const std::string& path, const ReadOptions& options) {
  NiftiInput in(path);
  Layout l = readLayout(in, path);
  const int volume = selectedVolume(l, options, path);
  const int channels = (volume >= 0 ? 1 : l.volumes) * l.stored.valuesPerVoxel;
  if (channels != 1)
    throw Error(path, "not a label map: " + std::to_string(channels) + " " +
                          (l.volumes > 1 ? "volumes" : "components per voxel") + " (one expected)");
  const uint64_t wanted = prepareRead(in, l, volume, options, path);
  core::LabelMap labels(l.grid.geometry);
  uint16_t* dst = labels.data();
  const bool scaled = l.header.scaled();
  const double slope = l.header.slope(), intercept = l.header.intercept();
  LabelValueCheck check;
  streamValues(in, l, wanted, path, [&](int64_t first, const auto* values, int64_t count) {
    for (int64_t e = 0; e < count; ++e) {
      const double x = scaled ? slope * static_cast<double>(values[e]) + intercept : static_cast<double>(values[e]);
      if (check.accept(x)) dst[first + e] = static_cast<uint16_t>(x);
    }
  });
  check.throwIfRejected(path);
  for (const auto& w : l.grid.warnings) labels.metadata().warnings.push_back(w);
  return labels;
}

ImageInfo readNiftiInfo(const std::string& path, const ReadOptions& options) {
  NiftiInput in(path);
  const Layout l = readLayout(in, path);
  const int volume = selectedVolume(l, options, path);
  ImageInfo info;
  info.format = ImageFormat::Nifti;
  info.geometry = l.grid.geometry;
  info.channels = (volume >= 0 ? 1 : l.volumes) * l.stored.valuesPerVoxel;
  info.volumes = volume >= 0 ? 1 : l.volumes;
  info.secondsPerVolume = l.header.extent(4) > 1 ? l.header.secondsPerVolume() : 0.0;
  info.pixelType = pixelTypeOf(l);
  info.warnings = l.grid.warnings;
  return info;
}

}  // namespace aunet::io::internal
