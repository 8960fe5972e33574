#include "core/LabelMap.h"

#include <algorithm>

namespace aunet::core {

LabelMap::LabelMap(Geometry geometry) : geometry_(geometry) {
  labels_.assign(static_cast<size_t>(geometry_.voxelCount()), 0);
}

uint16_t LabelMap::maxLabel() const {
  return labels_.empty() ? 0 : *std::max_element(labels_.begin(), labels_.end());
}

int64_t LabelMap::count(uint16_t label) const { return std::count(labels_.begin(), labels_.end(), label); }

}  // namespace aunet::core
