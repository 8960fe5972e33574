#include "io/internal/DicomUid.h"

#include <random>

namespace aunet::io::internal {

namespace {

using U128 = unsigned __int128;

std::string decimalUid(U128 value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  return "2.25." + digits;  // at most 39 digits: 44 characters, inside the 64 allowed
}

}  // namespace

std::string newDicomUid() {
  std::random_device device;
  U128 value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 32) | static_cast<U128>(device());
  return decimalUid(value);
}

std::string derivedDicomUid(const std::string& seed) {
  // FNV-1a, 128-bit variant (offset basis and prime from the FNV reference).
  const U128 prime = (static_cast<U128>(0x0000000001000000ULL) << 64) | 0x000000000000013BULL;
  U128 hash = (static_cast<U128>(0x6c62272e07bb0142ULL) << 64) | 0x62b821756295c58dULL;
  for (unsigned char c : seed) {
    hash ^= c;
    hash *= prime;
  }
  return decimalUid(hash);
}

}  // namespace aunet::io::internal
