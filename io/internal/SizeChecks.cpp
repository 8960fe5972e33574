#include "io/internal/SizeChecks.h"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <zlib.h>

#include <cstdlib>
#include <cstring>

#include "core/Error.h"
#include "core/SystemMemory.h"
#include "io/internal/NiftiHeader.h"

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
  uint64_t headerBytes = 0; // where data in the same file starts
  uint64_t compressedBytes = 0;  // MetaImage CompressedDataSize, 0 when absent
  int64_t byteSkip = 0;     // NRRD: bytes between the header and the data; -1: data ends the file
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
      if (trim(line).empty()) {  // end of a NRRD header; data follows (when not detached)
        layout.headerBytes = consumed;
        break;
      }
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
      } else if (key == "byte skip" || key == "byteskip") {
        // Raw data: N bytes after the header (or the data file's start), or -1: the
        // last bytes of the file. Compressed data skips inside the stream.
        char* end = nullptr;
        const long long skip = std::strtoll(value.c_str(), &end, 10);
        if (!end || *end != '\0' || skip < -1) {
          sawEncoding = false;  // leave what we cannot read to the decoder
          break;
        }
        layout.byteSkip = skip;
      } else if (key == "line skip" || key == "lineskip") {
        sawEncoding = false;  // lines of the data file: leave it to the decoder
        break;
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
  if (layout.compressed && layout.byteSkip != 0) layout.known = false;  // skips inside the stream
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
  try {
    return parseNiftiHeader("", h, n).voxOffset;
  } catch (const core::Error&) {
    return 0;
  }
}

// A .nii.gz the writer produced must decompress to every byte its header claims
// (the reader, io/internal/NiftiReader.cpp, counts them as it decodes). The gzip trailer holds
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
  // The trailer's size alone would let a damaged stream through (the NIfTI reader
  // stops before the checksum): decompress to the end so zlib verifies the CRC-32.
  (void)trailer;
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
  // Every voxel is there but the stream ends early: its checksum is cut off, so the
  // data cannot be verified.
  if (n < 0 || errnum == Z_BUF_ERROR)
    throw core::Error(path, "compressed file is truncated: the end of its gzip stream (checksum) is missing");
}

// A gzip stream starting at `offset` of `path` (NRRD's gzip encoding) must inflate
// to at least `expected` bytes and end with a matching checksum. Fast path: the
// trailer's size field (mod 2^32) equals the expected size; otherwise inflate it all.
void checkGzipStream(const std::string& path, const std::string& dataFile, uint64_t offset, uint64_t expected) {
  std::ifstream in(dataFile, std::ios::binary);
  in.seekg(0, std::ios::end);
  const auto end = static_cast<uint64_t>(in.tellg());
  if (end < offset + 18) throw core::Error(path, "compressed data is truncated (no complete gzip stream)");
  unsigned char t[4] = {};
  in.seekg(static_cast<std::streamoff>(end - 4));
  in.read(reinterpret_cast<char*>(t), 4);
  const uint32_t trailer = t[0] | (t[1] << 8) | (t[2] << 16) | (static_cast<uint32_t>(t[3]) << 24);
  if (trailer == static_cast<uint32_t>(expected & 0xffffffffu)) return;
  in.seekg(static_cast<std::streamoff>(offset));
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return;
  std::vector<unsigned char> input(1 << 16), output(1 << 20);
  uint64_t total = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.avail_in == 0) {
      in.read(reinterpret_cast<char*>(input.data()), static_cast<std::streamsize>(input.size()));
      zs.next_in = input.data();
      zs.avail_in = static_cast<uInt>(in.gcount());
      if (zs.avail_in == 0) break;  // the file ended inside the stream
    }
    zs.next_out = output.data();
    zs.avail_out = static_cast<uInt>(output.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    total += output.size() - zs.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
  }
  const std::string message = zs.msg ? zs.msg : "";
  inflateEnd(&zs);
  if (rc == Z_DATA_ERROR || rc == Z_STREAM_ERROR || rc == Z_MEM_ERROR || rc == Z_NEED_DICT)
    throw core::Error(path, "compressed data is corrupt (" + message + ")");
  if (total < expected)
    throw core::Error(path, "compressed data is truncated: it holds " + std::to_string(total) +
                                " bytes of image data but the header needs " + std::to_string(expected));
  if (rc != Z_STREAM_END)
    throw core::Error(path, "compressed data is truncated: the end of its gzip stream (checksum) is missing");
}

}  // namespace

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
  const uint64_t available = core::availableMemoryBytes();
  if (options.memoryLimitBytes != 0 && needed > options.memoryLimitBytes)
    throw core::Error(path, "reading " + sizeText(geometry) + " voxels needs " + core::formatMebibytes(needed) +
                                ", more than the memory limit of " + core::formatMebibytes(options.memoryLimitBytes));
  if (available != 0 && needed > available) {
    throw core::Error(path, "reading " + sizeText(geometry) + " voxels needs " + core::formatMebibytes(needed) +
                                " but only " + core::formatMebibytes(available) + " of memory is available");
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
    // byte skip -1: the voxels are the file's last bytes, after the header at least.
    headerBytes = dataStart + static_cast<uint64_t>(std::max<int64_t>(layout.byteSkip, 0));
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
    // NRRD readers do not all notice a cut or damaged gzip stream (MetaImage's
    // CompressedDataSize is checked above; NIfTI in checkGzipComplete).
    if (format == ImageFormat::Nrrd) checkGzipStream(path, dataFile, headerBytes, claimedBytes);
  } else if (claimedBytes + headerBytes > fileBytes) {
    throw core::Error(path, "file is truncated or its header is wrong: it claims " + std::to_string(claimedBytes) +
                                " bytes of voxel data but " + (dataFile == path ? "the file" : dataFile) + " has " +
                                std::to_string(fileBytes) + " bytes");
  }
}

void checkMetaImageHeader(const std::string& path) {
  constexpr size_t kLongestName = 200;   // MetaIO: char name[255]
  constexpr size_t kHeaderScan = 1 << 20;  // a real header is a few hundred bytes
  constexpr long long kMostMetaImageDims = 8;  // aunet reads 2D and 3D; 4D+ is refused later with its size
  std::ifstream in(path, std::ios::binary);
  if (!in) return;  // the reader says why
  std::string line;
  size_t scanned = 0;
  while (scanned < kHeaderScan && std::getline(in, line)) {
    scanned += line.size() + 1;
    // A header is text; MetaIO keeps field values as C strings in fixed buffers, and a
    // header line holding NUL bytes made it read past one (heap-buffer-overflow in
    // MetaImage::ReadStream, found by fuzz_image_reader).
    const auto control = std::find_if(line.begin(), line.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r';
    });
    if (control != line.end())
      throw core::Error(path, "damaged MetaImage header: a control byte (" +
                                  std::to_string(static_cast<unsigned char>(*control)) + ") in a header line");
    const size_t equals = line.find('=');
    std::string name = line.substr(0, equals);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    if (name.size() > kLongestName)
      throw core::Error(path, "damaged MetaImage header: a field name of " + std::to_string(name.size()) +
                            " bytes (at most " + std::to_string(kLongestName) + ")");
    if (name == "NDims") {
      // MetaIO reads NDims values for every array field (NDims^2 for the matrix): a
      // damaged NDims of 3000000000004 kept it parsing one header for minutes (found
      // by fuzz_image_reader as a hang).
      const std::string value = equals == std::string::npos ? std::string() : line.substr(equals + 1);
      char* end = nullptr;
      const long long dims = std::strtoll(value.c_str(), &end, 10);
      while (end && *end && std::isspace(static_cast<unsigned char>(*end))) ++end;
      if (!end || *end != '\0' || dims < 1 || dims > kMostMetaImageDims)
        throw core::Error(path, "damaged MetaImage header: NDims '" + value.substr(0, std::min<size_t>(value.size(), 40)) +
                                    "' (1 to " + std::to_string(kMostMetaImageDims) + " expected)");
    }
    if (name.rfind("ElementDataFile", 0) == 0) {
      // A '%' makes MetaIO read "pattern first last step" as a list of slice files,
      // and a damaged list divided by zero (SIGFPE, found by fuzz_image_reader).
      // Only LOCAL and single data files are supported.
      std::string value = equals == std::string::npos ? std::string() : line.substr(equals + 1);
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) value.erase(value.begin());
      while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) value.pop_back();
      if (value.find('%') != std::string::npos)
        throw core::Error(path, "MetaImage ElementDataFile patterns ('%') are not supported: " +
                                    value.substr(0, std::min<size_t>(value.size(), 60)));
      if (value == "LOCAL") return;  // voxel data follows
      // A data file's name must be a name, and the file must exist: for a name MetaIO
      // cannot open, its compressed-data path sized a buffer from a failed tellg()
      // (new[] of 2^64-1 bytes, found by fuzz_image_reader).
      const bool printable = std::all_of(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
      });
      if (value.empty() || !printable)
        throw core::Error(path, "damaged MetaImage header: ElementDataFile is not LOCAL or a file name");
      if (value == "LIST")
        throw core::Error(path, "MetaImage ElementDataFile LIST (one file per slice) is not supported");
      std::error_code ec;
      const std::filesystem::path dataFile = std::filesystem::path(path).parent_path() / value;
      if (!std::filesystem::is_regular_file(dataFile, ec))
        throw core::Error(path, "MetaImage data file " + dataFile.string() + " does not exist");
      return;
    }
  }
}

}  // namespace aunet::io::internal
