#pragma once
// bfloat16 values as their 16-bit patterns, for aunet's raw-pointer CPU kernels
// (instance norm, 2x upsampling) that run in bf16 inference: the upper half of an
// IEEE float, rounded to nearest even as ATen's c10::BFloat16. Branch-free, so the
// loops that use them still vectorize.

#include <cstdint>
#include <cstring>

namespace aunet::model::kernels {

inline float loadValue(const float* p, int64_t i) { return p[i]; }
inline float loadValue(const uint16_t* p, int64_t i) {
  const uint32_t bits = static_cast<uint32_t>(p[i]) << 16;
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

inline void storeValue(float* p, int64_t i, float value) { p[i] = value; }
inline void storeValue(uint16_t* p, int64_t i, float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  // A NaN stays a NaN: float arithmetic on x86 yields quiet NaNs (bit 22 set), which
  // the rounding increment cannot carry into the exponent.
  p[i] = static_cast<uint16_t>((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}

}  // namespace aunet::model::kernels
