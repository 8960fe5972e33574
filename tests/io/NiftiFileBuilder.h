#pragma once
// Writes NIfTI-1 and NIfTI-2 files byte by byte, as other tools do (nibabel, dcm2niix,
// FSL): any datatype, scaling, qform and sform, 4D, either byte order, .nii or .nii.gz.
// The tests then check aunet's reader against values and affines written down by hand.

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace aunet::io::test {

class NiftiFileBuilder {
 public:
  int version = 1;
  bool bigEndian = false;
  std::array<int64_t, 8> dim{3, 1, 1, 1, 1, 1, 1, 1};
  std::array<double, 8> pixdim{1, 1, 1, 1, 1, 1, 1, 1};
  int datatype = 4;  // int16
  int bitpix = 16;
  double sclSlope = 0.0, sclInter = 0.0;
  int qformCode = 0, sformCode = 0;
  std::array<double, 3> quatern{0, 0, 0}, qoffset{0, 0, 0};
  std::array<std::array<double, 4>, 3> srow{{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}};
  int xyztUnits = 2;  // mm
  int valueBytes = 2; // width of one stored value, for byte swapping
  std::vector<unsigned char> data;  // voxel bytes in little-endian order

  template <typename T>
  void setValues(const std::vector<T>& values) {
    data.resize(values.size() * sizeof(T));
    std::memcpy(data.data(), values.data(), data.size());
    valueBytes = sizeof(T);
  }

  std::string bytes() const {
    std::string out;
    if (version == 1) out = header1();
    else out = header2();
    std::string voxels(data.begin(), data.end());
    if (bigEndian)
      for (size_t at = 0; at + static_cast<size_t>(valueBytes) <= voxels.size(); at += static_cast<size_t>(valueBytes))
        for (int a = 0, b = valueBytes - 1; a < b; ++a, --b) std::swap(voxels[at + a], voxels[at + b]);
    return out + voxels;
  }

  void write(const std::string& path) const { writeFile(path, bytes()); }

  static void writeFile(const std::string& path, const std::string& content) {
    if (path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0) {
      gzFile gz = gzopen(path.c_str(), "wb6");
      if (!gz || gzwrite(gz, content.data(), static_cast<unsigned>(content.size())) != static_cast<int>(content.size()))
        throw std::runtime_error("cannot write " + path);
      gzclose(gz);
    } else {
      std::ofstream(path, std::ios::binary).write(content.data(), static_cast<std::streamsize>(content.size()));
    }
  }

 private:
  template <typename T>
  void put(std::string& h, size_t at, T value) const {
    unsigned char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    if (bigEndian)
      for (size_t a = 0, b = sizeof(T) - 1; a < b; ++a, --b) std::swap(raw[a], raw[b]);
    std::memcpy(&h[at], raw, sizeof(T));
  }

  std::string header1() const {
    std::string h(352, '\0');
    put<int32_t>(h, 0, 348);
    for (size_t d = 0; d < 8; ++d) put<int16_t>(h, 40 + 2 * d, static_cast<int16_t>(dim[d]));
    put<int16_t>(h, 70, static_cast<int16_t>(datatype));
    put<int16_t>(h, 72, static_cast<int16_t>(bitpix));
    for (size_t d = 0; d < 8; ++d) put<float>(h, 76 + 4 * d, static_cast<float>(pixdim[d]));
    put<float>(h, 108, 352.0f);
    put<float>(h, 112, static_cast<float>(sclSlope));
    put<float>(h, 116, static_cast<float>(sclInter));
    h[123] = static_cast<char>(xyztUnits);
    put<int16_t>(h, 252, static_cast<int16_t>(qformCode));
    put<int16_t>(h, 254, static_cast<int16_t>(sformCode));
    for (size_t k = 0; k < 3; ++k) put<float>(h, 256 + 4 * k, static_cast<float>(quatern[k]));
    for (size_t k = 0; k < 3; ++k) put<float>(h, 268 + 4 * k, static_cast<float>(qoffset[k]));
    for (size_t r = 0; r < 3; ++r)
      for (size_t c = 0; c < 4; ++c) put<float>(h, 280 + 16 * r + 4 * c, static_cast<float>(srow[r][c]));
    std::memcpy(&h[344], "n+1", 4);
    return h;
  }

  std::string header2() const {
    std::string h(544, '\0');
    put<int32_t>(h, 0, 540);
    std::memcpy(&h[4], "n+2\0\r\n\032\n", 8);
    put<int16_t>(h, 12, static_cast<int16_t>(datatype));
    put<int16_t>(h, 14, static_cast<int16_t>(bitpix));
    for (size_t d = 0; d < 8; ++d) put<int64_t>(h, 16 + 8 * d, dim[d]);
    for (size_t d = 0; d < 8; ++d) put<double>(h, 104 + 8 * d, pixdim[d]);
    put<int64_t>(h, 168, 544);
    put<double>(h, 176, sclSlope);
    put<double>(h, 184, sclInter);
    put<int32_t>(h, 344, qformCode);
    put<int32_t>(h, 348, sformCode);
    for (size_t k = 0; k < 3; ++k) put<double>(h, 352 + 8 * k, quatern[k]);
    for (size_t k = 0; k < 3; ++k) put<double>(h, 376 + 8 * k, qoffset[k]);
    for (size_t r = 0; r < 3; ++r)
      for (size_t c = 0; c < 4; ++c) put<double>(h, 400 + 32 * r + 8 * c, srow[r][c]);
    put<int32_t>(h, 500, xyztUnits);
    return h;
  }
};

}  // namespace aunet::io::test
