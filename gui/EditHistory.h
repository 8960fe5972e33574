#pragma once
// The document's undo stack: execute() applies a command and forgets what was undone;
// undo()/redo() walk it. A new image clears it (its masks belong to the old image).
// Widget-free: the Edit menu and, later, the mask editor's effects drive it.

#include <memory>
#include <string>
#include <vector>

#include "gui/EditCommand.h"

namespace aunet::gui {

class ViewerDocument;

class EditHistory {
 public:
  explicit EditHistory(ViewerDocument& document) : document_(document) {}

  void execute(std::unique_ptr<EditCommand> command);
  bool canUndo() const { return done_ > 0; }
  bool canRedo() const { return done_ < commands_.size(); }
  // What undo()/redo() would do ("Open mask a.nii.gz"), empty when nothing.
  std::string undoText() const;
  std::string redoText() const;
  bool undo();
  bool redo();
  void clear();

 private:
  ViewerDocument& document_;
  std::vector<std::unique_ptr<EditCommand>> commands_;
  size_t done_ = 0;  // commands_[0, done_) are applied
};

}  // namespace aunet::gui
