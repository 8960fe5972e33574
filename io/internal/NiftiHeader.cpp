#include "io/internal/NiftiHeader.h"

#include <cmath>
#include <cstring>

#include "core/Error.h"

namespace aunet::io::internal {

namespace {

using core::Error;

// Reads fixed-width fields of one header, swapping bytes when the file's order
// differs from ours.
class FieldReader {
 public:
  FieldReader(const unsigned char* bytes, bool swap) : bytes_(bytes), swap_(swap) {}

  template <typename T>
  T get(size_t at) const {
    unsigned char raw[sizeof(T)];
    std::memcpy(raw, bytes_ + at, sizeof(T));
    if (swap_)
      for (size_t a = 0, b = sizeof(T) - 1; a < b; ++a, --b) std::swap(raw[a], raw[b]);
    T value;
    std::memcpy(&value, raw, sizeof(T));
    return value;
  }

 private:
  const unsigned char* bytes_;
  bool swap_;
};

int32_t rawInt32(const unsigned char* b, bool swap) { return FieldReader(b, swap).get<int32_t>(0); }

// The one check every spacing, orientation and origin value passes: finite and of a
// size a scanner writes (|v| < 1e9 mm); subnormal values are damage, not geometry.
bool plausible(double v) { return std::fabs(v) < 1.0e9 && std::fpclassify(v) != FP_SUBNORMAL; }

void readNifti1(NiftiHeader& h, const FieldReader& f) {
  for (size_t d = 0; d < 8; ++d) h.dim[d] = f.get<int16_t>(40 + 2 * d);
  h.intentCode = f.get<int16_t>(68);
  h.datatype = f.get<int16_t>(70);
  h.bitpix = f.get<int16_t>(72);
  for (size_t d = 0; d < 8; ++d) h.pixdim[d] = f.get<float>(76 + 4 * d);
  const float offset = f.get<float>(108);
  // NaN and values no file can have are refused below; keep them visible here.
  h.voxOffset = offset >= 0.0f && offset < 1.0e15f ? static_cast<uint64_t>(offset) : UINT64_MAX;
  h.sclSlope = f.get<float>(112);
  h.sclInter = f.get<float>(116);
  h.xyztUnits = static_cast<unsigned char>(f.get<char>(123));
  h.qformCode = f.get<int16_t>(252);
  h.sformCode = f.get<int16_t>(254);
  for (size_t k = 0; k < 3; ++k) h.quatern[k] = f.get<float>(256 + 4 * k);
  for (size_t k = 0; k < 3; ++k) h.qoffset[k] = f.get<float>(268 + 4 * k);
  for (size_t r = 0; r < 3; ++r)
    for (size_t c = 0; c < 4; ++c) h.srow[r][c] = f.get<float>(280 + 16 * r + 4 * c);
  // A single-file NIfTI-1 keeps its voxels at byte 352 at the earliest.
  if (h.voxOffset != UINT64_MAX && h.voxOffset < 352) h.voxOffset = 352;
}

void readNifti2(NiftiHeader& h, const FieldReader& f) {
  h.datatype = f.get<int16_t>(12);
  h.bitpix = f.get<int16_t>(14);
  for (size_t d = 0; d < 8; ++d) h.dim[d] = f.get<int64_t>(16 + 8 * d);
  for (size_t d = 0; d < 8; ++d) h.pixdim[d] = f.get<double>(104 + 8 * d);
  const int64_t offset = f.get<int64_t>(168);
  h.voxOffset = offset >= 0 && offset < int64_t{1000000000000000} ? static_cast<uint64_t>(offset) : UINT64_MAX;
  h.sclSlope = f.get<double>(176);
  h.sclInter = f.get<double>(184);
  h.qformCode = f.get<int32_t>(344);
  h.sformCode = f.get<int32_t>(348);
  for (size_t k = 0; k < 3; ++k) h.quatern[k] = f.get<double>(352 + 8 * k);
  for (size_t k = 0; k < 3; ++k) h.qoffset[k] = f.get<double>(376 + 8 * k);
  for (size_t r = 0; r < 3; ++r)
    for (size_t c = 0; c < 4; ++c) h.srow[r][c] = f.get<double>(400 + 32 * r + 8 * c);
  h.xyztUnits = f.get<int32_t>(500);
  h.intentCode = f.get<int32_t>(504);
  if (h.voxOffset != UINT64_MAX && h.voxOffset < 544) h.voxOffset = 544;
}

std::string offsetText(const NiftiHeader& h, const unsigned char* bytes) {
  const FieldReader f(bytes, h.byteSwapped);
  return h.version == 1 ? std::to_string(f.get<float>(108)) : std::to_string(f.get<int64_t>(168));
}

}  // namespace

NiftiHeader parseNiftiHeader(const std::string& path, const unsigned char* bytes, size_t n) {
  NiftiHeader h;
  if (n < 348) throw Error(path, "not a valid NIfTI file (" + std::to_string(n) + " bytes, shorter than a NIfTI header)");
  // sizeof_hdr says the version and the byte order. The NIfTI library also reads a
  // NIfTI-1 header whose sizeof_hdr is damaged when its magic is intact; so do we,
  // taking the byte order in which dim[0] makes sense.
  bool found = false;
  for (const bool swap : {false, true}) {
    const int32_t size = rawInt32(bytes, swap);
    if (size == 348 || (size == 540 && n >= 540)) {
      h.version = size == 348 ? 1 : 2;
      h.byteSwapped = swap;
      found = true;
      break;
    }
  }
  const bool nifti1Magic = std::memcmp(bytes + 344, "n+1", 4) == 0 || std::memcmp(bytes + 344, "ni1", 4) == 0;
  if (!found && nifti1Magic) {
    for (const bool swap : {false, true}) {
      const int16_t dims = FieldReader(bytes, swap).get<int16_t>(40);
      if (dims >= 1 && dims <= 7) {
        h.version = 1;
        h.byteSwapped = swap;
        found = true;
        break;
      }
    }
  }
  if (!found) {
    if (n >= 8 && std::memcmp(bytes + 4, "n+2", 4) == 0)
      throw Error(path, "not a valid NIfTI file (a NIfTI-2 header, truncated or damaged)");
    throw Error(path, "not a valid NIfTI file (no NIfTI-1 or NIfTI-2 header)");
  }
  h.headerBytes = h.version == 1 ? 348 : 540;
  const FieldReader fields(bytes, h.byteSwapped);
  if (h.version == 1) readNifti1(h, fields);
  else readNifti2(h, fields);

  if (h.dim[0] < 1 || h.dim[0] > 7)
    throw Error(path, "header has an invalid number of dimensions (dim[0] = " + std::to_string(h.dim[0]) +
                          "): corrupt header");
  for (int64_t d = 1; d <= h.dim[0]; ++d)
    if (h.dim[static_cast<size_t>(d)] <= 0)
      throw Error(path, "header has a zero or negative dimension (dim[" + std::to_string(d) +
                            "] = " + std::to_string(h.dim[static_cast<size_t>(d)]) + "): corrupt header");
  // ITK and the NIfTI library were crashed or hung by NaN and huge values here (VNL's
  // SVD); aunet computes the geometry itself but keeps the same bounds.
  for (const double v : h.pixdim)
    if (!plausible(v)) throw Error(path, "header has a NaN, infinite or absurd voxel spacing (pixdim) value: corrupt header");
  bool orientationOk = true;
  for (const double v : h.quatern) orientationOk = orientationOk && plausible(v);
  for (const double v : h.qoffset) orientationOk = orientationOk && plausible(v);
  for (const auto& row : h.srow)
    for (const double v : row) orientationOk = orientationOk && plausible(v);
  if (!orientationOk)
    throw Error(path, "header has a NaN, infinite or absurd orientation or origin value: corrupt header");
  if (h.voxOffset == UINT64_MAX)
    throw Error(path, "header has an impossible voxel data offset (vox_offset = " + offsetText(h, bytes) +
                          "): corrupt header");
  return h;
}

NiftiHeader::StoredType NiftiHeader::storedType(const std::string& path) const {
  switch (datatype) {
    case 2: return {1, 1, "uint8"};
    case 256: return {1, 1, "int8"};
    case 4: return {2, 1, "int16"};
    case 512: return {2, 1, "uint16"};
    case 8: return {4, 1, "int32"};
    case 768: return {4, 1, "uint32"};
    case 1024: return {8, 1, "int64"};
    case 1280: return {8, 1, "uint64"};
    case 16: return {4, 1, "float32"};
    case 64: return {8, 1, "float64"};
    case 128: return {1, 3, "RGB24"};
    case 2304: return {1, 4, "RGBA32"};
    case 32:
    case 1792:
    case 2048: throw Error(path, "complex voxels (NIfTI datatype " + std::to_string(datatype) + ") are not supported");
    case 1536: throw Error(path, "128-bit float voxels (NIfTI datatype 1536) are not supported");
    default: break;
  }
  throw Error(path, "unknown NIfTI voxel datatype " + std::to_string(datatype) + ": corrupt header");
}

bool NiftiHeader::scaled() const {
  if (!std::isfinite(sclSlope) || sclSlope == 0.0) return false;
  const double inter = std::isfinite(sclInter) ? sclInter : 0.0;
  return sclSlope != 1.0 || inter != 0.0;
}

Affine NiftiHeader::qformAffine() const {
  // NIfTI-1 method 2 (nifti1.h): a unit quaternion (a, b, c, d) with a >= 0 rebuilt
  // from b, c, d; qfac = pixdim[0] flips the third axis.
  double b = quatern[0], c = quatern[1], d = quatern[2];
  double a = 1.0 - (b * b + c * c + d * d);
  if (a < 1.0e-7) {
    const double norm = std::sqrt(b * b + c * c + d * d);
    a = 0.0;
    if (norm > 0.0) b /= norm, c /= norm, d /= norm;
  } else {
    a = std::sqrt(a);
  }
  const double r[3][3] = {{a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
                          {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
                          {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}};
  double step[3];
  for (int k = 0; k < 3; ++k) {
    const double p = std::fabs(pixdim[static_cast<size_t>(k + 1)]);
    step[k] = p > 0.0 ? p : 1.0;
  }
  if (pixdim[0] < 0.0) step[2] = -step[2];
  Affine m{};
  for (int row = 0; row < 3; ++row) {
    for (int col = 0; col < 3; ++col) m[row][col] = r[row][col] * step[col];
    m[row][3] = qoffset[static_cast<size_t>(row)];
  }
  return m;
}

double NiftiHeader::secondsPerVolume() const {
  const double step = pixdim[4];
  switch (xyztUnits & 0x38) {
    case 8: return step;
    case 16: return step * 1.0e-3;
    case 24: return step * 1.0e-6;
    default: return 0.0;
  }
}

}  // namespace aunet::io::internal
