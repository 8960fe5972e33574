#include "gui/EditCommand.h"

#include "gui/ViewerDocument.h"

namespace aunet::gui {

ReplaceMaskCommand::ReplaceMaskCommand(std::shared_ptr<const core::LabelMap> labels, std::string path, std::string text)
    : labels_(std::move(labels)), path_(std::move(path)), text_(std::move(text)) {}

void ReplaceMaskCommand::apply(ViewerDocument& document) {
  previous_ = document.sharedLabels();
  previousPath_ = document.labelsPath();
  document.setSharedLabels(labels_, path_);
  applied_ = true;
}

void ReplaceMaskCommand::revert(ViewerDocument& document) {
  document.setSharedLabels(previous_, previousPath_);
  applied_ = false;
}

size_t ReplaceMaskCommand::memoryBytes() const {
  const auto& kept = applied_ ? previous_ : labels_;
  return kept ? kept->labels().capacity() * sizeof(uint16_t) : 0;
}

}  // namespace aunet::gui
