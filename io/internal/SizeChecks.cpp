#include "io/internal/SizeChecks.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <zlib.h>

#include <cstring>

#include "io/core/Error.h"

namespace aunet::io::internal {

namespace fs = std::filesystem;

namespace {

std::string sizeText(const core::Geometry& g) {
  return std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]) + "x" + std::to_string(g.size[2]);
}

std::string trim(std::string s) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// How a NRRD or MetaImage header says its data is stored.
struct DataLayout {
  bool known = false;       // false: leave the check to the decoder
  bool compressed = false;
  std::string dataFile;     // empty: data follows the header in the same file
  uint64_t headerBytes = 0; // MetaImage: where LOCAL data starts
  uint64_t compressedBytes = 0;  // MetaImage CompressedDataSize, 0 when absent
};

DataLayout sniffTextHeader(const std::string& path, ImageFormat format) {
  DataLayout layout;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  int lines = 0;
  bool sawEncoding = false;
  uint64_t consumed = 0;
  while (lines++ < 200 && std::getline(in, line)) {
    consumed += line.size() + 1;
    if (format == ImageFormat::Nrrd) {
      if (trim(line).empty()) break;  // end of a NRRD header
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string key = lower(trim(line.substr(0, colon)));
      std::string value = trim(line.substr(colon + 1));
      if (!value.empty() && value[0] == '=') continue;  // key:=value pairs are metadata
      if (key == "encoding") {
        sawEncoding = true;
        const std::string v = lower(value);
        if (v == "raw") layout.known = true;
        else if (v == "gzip" || v == "gz") layout.known = layout.compressed = true;
      } else if (key == "data file" || key == "datafile") {
        layout.dataFile = value;
      }
    } else {
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      const std::string key = lower(trim(line.substr(0, eq)));
      const std::string value = trim(line.substr(eq + 1));
      if (key == "compresseddata") layout.compressed = lower(value) == "true";
      if (key == "compresseddatasize") layout.compressedBytes = std::strtoull(value.c_str(), nullptr, 10);
      if (key == "elementdatafile") {
        layout.known = true;
        layout.headerBytes = consumed;
        if (lower(value) != "local") layout.dataFile = value;
        break;  // the last header line of a MetaImage
      }
    }
  }
  if (format == ImageFormat::Nrrd && !sawEncoding) layout.known = false;
  if (!layout.dataFile.empty()) {
    // Lists and printf-style patterns name several files: not checked here.
    if (layout.dataFile.find(' ') != std::string::npos || lower(layout.dataFile) == "list" ||
        layout.dataFile.find('%') != std::string::npos) {
      layout.known = false;
    } else {
      layout.dataFile = (fs::path(path).parent_path() / layout.dataFile).string();
    }
  }
  return layout;
}

// vox_offset of a NIfTI-1 or NIfTI-2 header (either byte order); 0 when not NIfTI.
uint64_t niftiVoxOffset(const unsigned char* h, size_t n) {
  if (n < 4) return 0;
  auto u32 = [&](size_t at, bool swap) {
    uint32_t v;
    std::memcpy(&v, h + at, 4);
    return swap ? __builtin_bswap32(v) : v;
  };
  for (const bool swap : {false, true}) {
    const uint32_t sizeofHdr = u32(0, swap);
    if (sizeofHdr == 348 && n >= 112) {
      const uint32_t bits = u32(108, swap);
      float f;
      std::memcpy(&f, &bits, 4);
      return f >= 352 ? static_cast<uint64_t>(f) : 352;
    }
    if (sizeofHdr == 540 && n >= 176) {
      uint64_t v;
      std::memcpy(&v, h + 168, 8);
      if (swap) v = __builtin_bswap64(v);
      return v >= 544 ? v : 544;
    }
  }
  return 0;
}

// A truncated .nii.gz decompresses to fewer bytes than the header needs and ITK
// does not notice (the missing voxels would read as zeros). The gzip trailer holds
// the uncompressed size mod 2^32: when it matches, the file is complete; otherwise
// (truncated, or several gzip members) count the bytes by decompressing.
void checkGzipComplete(const std::string& path, uint64_t claimedBytes) {
  gzFile gz = gzopen(path.c_str(), "rb");
  if (!gz) return;  // the decoder reports unreadable files
  unsigned char header[540];
  const int got = gzread(gz, header, sizeof header);
  const uint64_t voxOffset = got > 0 ? niftiVoxOffset(header, static_cast<size_t>(got)) : 0;
  if (voxOffset == 0) {
    gzclose(gz);
    return;
  }
  const uint64_t expected = voxOffset + claimedBytes;
  uint32_t trailer = 0;
  {
    std::ifstream raw(path, std::ios::binary);
    raw.seekg(-4, std::ios::end);
    unsigned char t[4] = {};
    if (raw.read(reinterpret_cast<char*>(t), 4))
      trailer = t[0] | (t[1] << 8) | (t[2] << 16) | (static_cast<uint32_t>(t[3]) << 24);
  }
  if (trailer == static_cast<uint32_t>(expected & 0xffffffffu)) {
    gzclose(gz);
    return;
  }
  uint64_t total = static_cast<uint64_t>(got);
  std::vector<unsigned char> chunk(1 << 20);
  int n = 0;
  while ((n = gzread(gz, chunk.data(), static_cast<unsigned>(chunk.size()))) > 0) total += static_cast<uint64_t>(n);
  int errnum = Z_OK;
  const char* message = gzerror(gz, &errnum);
  const std::string zlibMessage = message ? message : "";
  gzclose(gz);
  if (n < 0 && errnum != Z_BUF_ERROR)
    throw core::Error(path, "compressed data is corrupt (" + zlibMessage + ")");
  if (total < expected)
    throw core::Error(path, "compressed file is truncated: it holds " + std::to_string(total) +
                                " bytes of image data but the header needs " + std::to_string(expected));
}

}  // namespace

void checkNiftiDimensions(const std::string& path) {
  gzFile gz = gzopen(path.c_str(), "rb");  // reads uncompressed files as they are
  if (!gz) return;                          // the decoder reports unreadable files
  unsigned char h[540] = {};
  const int got = gzread(gz, h, sizeof h);
  gzclose(gz);
  if (got < 348) return;
  for (const bool swap : {false, true}) {
    uint32_t sizeofHdr;
    std::memcpy(&sizeofHdr, h, 4);
    if (swap) sizeofHdr = __builtin_bswap32(sizeofHdr);
    // dim[8]: int16 at byte 40 (NIfTI-1) or int64 at byte 16 (NIfTI-2).
    int64_t dim[8] = {};
    if (sizeofHdr == 348) {
      for (int d = 0; d < 8; ++d) {
        uint16_t v;
        std::memcpy(&v, h + 40 + 2 * d, 2);
        dim[d] = static_cast<int16_t>(swap ? __builtin_bswap16(v) : v);
      }
    } else if (sizeofHdr == 540 && got >= 540) {
      for (int d = 0; d < 8; ++d) {
        uint64_t v;
        std::memcpy(&v, h + 16 + 8 * d, 8);
        dim[d] = static_cast<int64_t>(swap ? __builtin_bswap64(v) : v);
      }
    } else {
      continue;
    }
    if (dim[0] < 1 || dim[0] > 7) return;  // not this byte order's header; ITK decides
    for (int d = 1; d <= dim[0]; ++d)
      if (dim[d] <= 0)
        throw core::Error(path, "header has a zero or negative dimension (dim[" + std::to_string(d) +
                                    "] = " + std::to_string(dim[d]) + "): corrupt header");
    return;
  }
}

uint64_t availableMemoryBytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t value = 0;
  std::string unit;
  while (in >> key >> value >> unit)
    if (key == "MemAvailable:") return value * 1024;
  return 0;
}

void checkAllocation(const std::string& path, const core::Geometry& geometry, int components,
                     size_t componentBytes, const ReadOptions& options) {
  for (int a = 0; a < 3; ++a)
    if (geometry.size[a] <= 0) throw core::Error(path, "header claims an empty or negative size " + sizeText(geometry));
  // Divide instead of multiplying so a huge claim cannot overflow.
  const int64_t limit = options.maxVoxels;
  const int64_t perComponent = limit / std::max(1, components);
  if (geometry.size[0] > perComponent || geometry.size[1] > perComponent / geometry.size[0] ||
      geometry.size[2] > perComponent / (geometry.size[0] * geometry.size[1])) {
    throw core::Error(path, "header claims " + sizeText(geometry) + " voxels x " + std::to_string(components) +
                                " components, more than the limit of " + std::to_string(limit) +
                                " values (corrupt header?)");
  }
  const uint64_t values = static_cast<uint64_t>(geometry.voxelCount()) * static_cast<uint64_t>(components);
  const uint64_t needed = values * (componentBytes + sizeof(float));
  const uint64_t available = availableMemoryBytes();
  if (available != 0 && needed > available) {
    throw core::Error(path, "reading " + sizeText(geometry) + " voxels needs " + std::to_string(needed >> 20) +
                                " MiB but only " + std::to_string(available >> 20) + " MiB of memory is available");
  }
}

void checkClaimAgainstFile(const std::string& path, ImageFormat format, uint64_t claimedBytes) {
  const std::string ext = imageExtension(path);
  std::string dataFile = path;
  bool compressed = false;
  uint64_t headerBytes = 0;
  if (format == ImageFormat::Nifti) {
    compressed = ext == ".nii.gz";
    if (compressed) {
      checkGzipComplete(path, claimedBytes);
    } else {
      unsigned char header[540] = {};
      std::ifstream in(path, std::ios::binary);
      in.read(reinterpret_cast<char*>(header), sizeof header);
      headerBytes = niftiVoxOffset(header, static_cast<size_t>(in.gcount()));
    }
  } else if (format == ImageFormat::Nrrd || format == ImageFormat::MetaImage) {
    const DataLayout layout = sniffTextHeader(path, format);
    if (!layout.known) return;
    compressed = layout.compressed;
    if (!layout.dataFile.empty()) dataFile = layout.dataFile;
    // MetaIO only prints a warning for missing compressed bytes; check them here.
    std::error_code ec;
    const uint64_t fileBytes = fs::file_size(dataFile, ec);
    const uint64_t dataStart = layout.dataFile.empty() ? layout.headerBytes : 0;
    headerBytes = dataStart;
    if (!ec && compressed && layout.compressedBytes > 0 && dataStart + layout.compressedBytes > fileBytes)
      throw core::Error(path, "compressed data is truncated: the header says " +
                                  std::to_string(layout.compressedBytes) + " bytes, the file holds " +
                                  std::to_string(fileBytes > dataStart ? fileBytes - dataStart : 0));
  } else {
    return;
  }
  std::error_code ec;
  const uint64_t fileBytes = fs::file_size(dataFile, ec);
  if (ec) return;  // a missing data file is reported by the decoder, naming it
  if (compressed) {
    // gzip cannot compress better than about 1032:1.
    const uint64_t most = fileBytes * 1100 + (uint64_t{1} << 20);
    if (claimedBytes > most)
      throw core::Error(path, "header claims " + std::to_string(claimedBytes) + " bytes of voxel data, impossible in " +
                                  std::to_string(fileBytes) + " bytes of compressed data (corrupt header?)");
  } else if (claimedBytes + headerBytes > fileBytes) {
    throw core::Error(path, "file is truncated or its header is wrong: it claims " + std::to_string(claimedBytes) +
                                " bytes of voxel data but " + (dataFile == path ? "the file" : dataFile) + " has " +
                                std::to_string(fileBytes) + " bytes");
  }
}

}  // namespace aunet::io::internal
