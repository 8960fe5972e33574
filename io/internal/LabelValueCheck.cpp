#include "io/internal/LabelValueCheck.h"

#include <sstream>

#include "core/Error.h"

namespace aunet::io::internal {

namespace {

std::string valueText(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

}  // namespace

void LabelValueCheck::throwIfRejected(const std::string& path) const {
  if (notWhole_)
    throw core::Error(path, "not a label map: " + std::to_string(notWhole_) + " voxels are not whole numbers (e.g. " +
                                valueText(exampleNotWhole_) + ")");
  if (negative_)
    throw core::Error(path, "not a label map: " + std::to_string(negative_) + " voxels are negative (e.g. " +
                                valueText(exampleNegative_) + ")");
  if (tooLarge_)
    throw core::Error(path, "not a label map: " + std::to_string(tooLarge_) +
                                " voxels exceed the largest label 65535 (e.g. " + valueText(exampleTooLarge_) + ")");
}

}  // namespace aunet::io::internal
