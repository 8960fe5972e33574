#pragma once
// PRIVATE to aunet_io: which stored values can be labels (whole numbers in [0, 65535]),
// counting the ones that cannot, so every reader refuses a non-label file with the same
// message: "not a label map: 4801 voxels are not whole numbers (e.g. 0.5)".

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>

namespace aunet::io::internal {

class LabelValueCheck {
 public:
  // True when `x` is a label; otherwise counts it (and keeps the first as an example).
  template <typename T>
  bool accept(T x) {
    if constexpr (std::is_floating_point_v<T>) {
      if (!(x == std::floor(x))) return reject(notWhole_, exampleNotWhole_, static_cast<double>(x));  // NaN, Inf too
    }
    if constexpr (std::is_signed_v<T>) {
      if (x < 0) return reject(negative_, exampleNegative_, static_cast<double>(x));
    }
    if (static_cast<double>(x) > 65535.0) return reject(tooLarge_, exampleTooLarge_, static_cast<double>(x));
    return true;
  }
  // Throws core::Error(path, ...) naming the first kind of value that was refused.
  void throwIfRejected(const std::string& path) const;

 private:
  static bool reject(int64_t& count, double& example, double x) {
    if (!count++) example = x;
    return false;
  }
  int64_t notWhole_ = 0, negative_ = 0, tooLarge_ = 0;
  double exampleNotWhole_ = 0.0, exampleNegative_ = 0.0, exampleTooLarge_ = 0.0;
};

}  // namespace aunet::io::internal
