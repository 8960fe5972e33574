#pragma once
// A mask edit (brush stroke, fill, islands, interpolation, label deletion) kept as the
// voxels it changed (imaging::LabelDelta), applied to and reverted from the document's
// mask in place: its memory is what was edited, not a copy of the mask.

#include <string>

#include "gui/EditCommand.h"
#include "imaging/LabelDelta.h"

namespace aunet::gui {

class MaskDeltaCommand final : public EditCommand {
 public:
  MaskDeltaCommand(imaging::LabelDelta delta, std::string text);
  void apply(ViewerDocument& document) override;
  void revert(ViewerDocument& document) override;
  std::string text() const override { return text_; }
  size_t memoryBytes() const override { return delta_.memoryBytes() + sizeof(*this); }
  const imaging::LabelDelta& delta() const { return delta_; }

 private:
  imaging::LabelDelta delta_;
  std::string text_;
};

}  // namespace aunet::gui
