#pragma once
// PRIVATE to aunet_io: a NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header, either
// byte order, parsed and checked field by field. aunet reads NIfTI itself instead of
// through ITK 5.2, which refuses scaled files' sizes, oblique sform-only files and
// NIfTI-2 (docs/io.md, "NIfTI").

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace aunet::io::internal {

// A 3x4 world affine in the header's own space (NIfTI: RAS+, mm): row r maps a voxel
// index (i, j, k, 1) to world coordinate r.
using Affine = std::array<std::array<double, 4>, 3>;

struct NiftiHeader {
  int version = 1;          // 1 or 2
  bool byteSwapped = false; // stored in the other byte order than this machine's
  size_t headerBytes = 348; // 348 or 540
  std::array<int64_t, 8> dim{};     // dim[0] = number of axes
  std::array<double, 8> pixdim{};   // pixdim[0] = qfac
  int datatype = 0;
  int bitpix = 0;
  uint64_t voxOffset = 0;   // where the voxels start in the (decompressed) file
  double sclSlope = 0.0;
  double sclInter = 0.0;
  int qformCode = 0;
  int sformCode = 0;
  std::array<double, 3> quatern{};   // b, c, d
  std::array<double, 3> qoffset{};
  Affine srow{};
  int xyztUnits = 0;
  int intentCode = 0;

  // Bytes of one stored value and values per voxel (RGB24: 3 one-byte values).
  // Throws core::Error(path, ...) for a datatype aunet does not read (complex,
  // float128, unknown codes).
  struct StoredType {
    int valueBytes = 0;
    int valuesPerVoxel = 1;
    std::string name;
  };
  StoredType storedType(const std::string& path) const;

  // The intensity scaling that applies: NIfTI ignores a slope of 0 (and aunet a
  // non-finite one, with the intercept that comes with it).
  bool scaled() const;
  double slope() const { return scaled() ? sclSlope : 1.0; }
  double intercept() const { return scaled() ? sclInter : 0.0; }

  // Extent of axis a (1 for axes beyond dim[0]).
  int64_t extent(int a) const { return a >= 1 && a <= dim[0] ? dim[static_cast<size_t>(a)] : 1; }

  // The world affines NIfTI defines: method 2 (quaternion, pixdim, qfac) and method 3
  // (srow_x/y/z). Spacings <= 0 or missing count as 1, as in the NIfTI library.
  Affine qformAffine() const;
  Affine sformAffine() const { return srow; }

  // Seconds per step of the 4th axis when xyzt_units says it is time, else 0.
  double secondsPerVolume() const;
};

// Parses the first `n` bytes of a file (decompressed). Throws core::Error(path, ...)
// for anything that is not a NIfTI header or whose fields no real file holds (zero or
// negative extents, NaN or absurd spacings and orientations, impossible offsets).
NiftiHeader parseNiftiHeader(const std::string& path, const unsigned char* bytes, size_t n);

}  // namespace aunet::io::internal
