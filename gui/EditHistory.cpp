#include "gui/EditHistory.h"

namespace aunet::gui {

void EditHistory::execute(std::unique_ptr<EditCommand> command) {
  command->apply(document_);
  commands_.resize(done_);  // what was undone cannot be redone after a new edit
  commands_.push_back(std::move(command));
  done_ = commands_.size();
}

std::string EditHistory::undoText() const { return canUndo() ? commands_[done_ - 1]->text() : std::string(); }

std::string EditHistory::redoText() const { return canRedo() ? commands_[done_]->text() : std::string(); }

bool EditHistory::undo() {
  if (!canUndo()) return false;
  commands_[--done_]->revert(document_);
  return true;
}

bool EditHistory::redo() {
  if (!canRedo()) return false;
  commands_[done_++]->apply(document_);
  return true;
}

void EditHistory::clear() {
  commands_.clear();
  done_ = 0;
}

}  // namespace aunet::gui
