#pragma once
// The voxels one mask edit changed: flat offsets with the label each held before and
// holds after. An undo stack of these (gui/MaskDeltaCommand) costs memory in
// proportion to what was edited, not to the mask (a 512x512x400 mask is 200 MB; a
// brush stroke across one slice is a few thousand voxels).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/LabelMap.h"

namespace aunet::imaging {

class LabelDelta {
 public:
  // Writes `value` at `offset` and records the change; no entry when the voxel already
  // holds it. An edit writes each voxel at most once with one value (a stroke paints
  // one label), so an offset appears at most once and revert() restores it exactly.
  void set(core::LabelMap& labels, int64_t offset, uint16_t value) {
    uint16_t& voxel = labels.labels()[static_cast<size_t>(offset)];
    if (voxel == value) return;
    offsets_.push_back(offset);
    before_.push_back(voxel);
    after_.push_back(value);
    voxel = value;
  }
  // Adds the changes of a later edit of other voxels (the next dab of a stroke).
  void append(const LabelDelta& later);
  void apply(core::LabelMap& labels) const;
  void revert(core::LabelMap& labels) const;

  bool empty() const { return offsets_.empty(); }
  size_t size() const { return offsets_.size(); }
  // Heap bytes held (what the undo budget counts).
  size_t memoryBytes() const;
  void shrinkToFit();

  const std::vector<int64_t>& offsets() const { return offsets_; }
  const std::vector<uint16_t>& before() const { return before_; }
  const std::vector<uint16_t>& after() const { return after_; }

 private:
  std::vector<int64_t> offsets_;
  std::vector<uint16_t> before_, after_;
};

}  // namespace aunet::imaging
