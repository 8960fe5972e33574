#include "imaging/LabelDelta.h"

namespace aunet::imaging {

void LabelDelta::append(const LabelDelta& later) {
  offsets_.insert(offsets_.end(), later.offsets_.begin(), later.offsets_.end());
  before_.insert(before_.end(), later.before_.begin(), later.before_.end());
  after_.insert(after_.end(), later.after_.begin(), later.after_.end());
}

void LabelDelta::apply(core::LabelMap& labels) const {
  uint16_t* data = labels.data();
  for (size_t i = 0; i < offsets_.size(); ++i) data[offsets_[i]] = after_[i];
}

void LabelDelta::revert(core::LabelMap& labels) const {
  uint16_t* data = labels.data();
  for (size_t i = offsets_.size(); i-- > 0;) data[offsets_[i]] = before_[i];
}

size_t LabelDelta::memoryBytes() const {
  return offsets_.capacity() * sizeof(int64_t) + (before_.capacity() + after_.capacity()) * sizeof(uint16_t);
}

void LabelDelta::shrinkToFit() {
  offsets_.shrink_to_fit();
  before_.shrink_to_fit();
  after_.shrink_to_fit();
}

}  // namespace aunet::imaging
