#pragma once
// An undo-able change to the document (3D Slicer's Segment Editor and ITK-SNAP keep
// one undo stack for every edit): apply() makes it, revert() takes it back exactly.
// Mask editing (paint, erase, fill, islands) adds commands of its own; the first one
// replaces the whole mask (a mask file opened, a segmentation result adopted).

#include <cstddef>
#include <memory>
#include <string>

#include "core/LabelMap.h"

namespace aunet::gui {

class ViewerDocument;

class EditCommand {
 public:
  virtual ~EditCommand() = default;
  virtual void apply(ViewerDocument& document) = 0;
  virtual void revert(ViewerDocument& document) = 0;
  virtual std::string text() const = 0;  // "Open mask liver.nii.gz", for the Edit menu
  // Heap bytes this entry keeps alive only for the undo stack (EditHistory's budget).
  virtual size_t memoryBytes() const { return 0; }
};

// The document's mask becomes `labels` (null: no mask); revert() restores the mask,
// and its path, that was there before apply().
class ReplaceMaskCommand final : public EditCommand {
 public:
  ReplaceMaskCommand(std::shared_ptr<const core::LabelMap> labels, std::string path, std::string text);
  void apply(ViewerDocument& document) override;
  void revert(ViewerDocument& document) override;
  std::string text() const override { return text_; }
  // The mask not in the document: the replaced one while applied, its own once reverted.
  size_t memoryBytes() const override;

 private:
  std::shared_ptr<const core::LabelMap> labels_, previous_;
  bool applied_ = false;
  std::string path_, previousPath_, text_;
};

}  // namespace aunet::gui
