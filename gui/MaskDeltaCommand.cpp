#include "gui/MaskDeltaCommand.h"

#include "core/Error.h"
#include "gui/ViewerDocument.h"

namespace aunet::gui {

MaskDeltaCommand::MaskDeltaCommand(imaging::LabelDelta delta, std::string text)
    : delta_(std::move(delta)), text_(std::move(text)) {
  delta_.shrinkToFit();
}

void MaskDeltaCommand::apply(ViewerDocument& document) {
  core::LabelMap* labels = document.editableLabels();
  if (!labels) throw core::Error("the mask this edit belongs to is gone");
  delta_.apply(*labels);
  document.notifyLabelsEdited(delta_, false);
}

void MaskDeltaCommand::revert(ViewerDocument& document) {
  core::LabelMap* labels = document.editableLabels();
  if (!labels) throw core::Error("the mask this edit belongs to is gone");
  delta_.revert(*labels);
  document.notifyLabelsEdited(delta_, true);
}

}  // namespace aunet::gui
