#pragma once
// The document's undo stack: execute() applies a command and forgets what was undone;
// undo()/redo() walk it. A new image clears it (its masks belong to the old image).
// Widget-free: the Edit menu and the mask editor (MaskEditor) drive it.
// Memory is bounded: when the entries hold more than the budget (bytes, from the
// viewer's settings), the oldest are dropped (they can no longer be undone); the
// newest entry always stays. Mask edits are deltas (MaskDeltaCommand), so an hour of
// painting on a 512x512x400 mask keeps thousands of entries in a few hundred MB.
// "Clean" marks the state last saved (or opened), so closing can ask about unsaved edits.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gui/EditCommand.h"

namespace aunet::gui {

class ViewerDocument;

class EditHistory {
 public:
  static constexpr size_t kDefaultBudgetBytes = size_t{512} << 20;

  explicit EditHistory(ViewerDocument& document) : document_(document) {}

  void execute(std::unique_ptr<EditCommand> command);
  // Records a command whose change is already in the document (a finished brush stroke).
  void push(std::unique_ptr<EditCommand> command);
  bool canUndo() const { return done_ > 0; }
  bool canRedo() const { return done_ < commands_.size(); }
  // What undo()/redo() would do ("Open mask a.nii.gz"), empty when nothing.
  std::string undoText() const;
  std::string redoText() const;
  bool undo();
  bool redo();
  void clear();
  size_t size() const { return commands_.size(); }

  // Called after every change of the stack (an entry added, undone, redone, dropped, cleared).
  void setObserver(std::function<void()> observer) { observer_ = std::move(observer); }

  void setMemoryBudget(size_t bytes);
  size_t memoryBudget() const { return budget_; }
  size_t memoryBytes() const { return bytes_; }  // what the entries hold now
  size_t dropped() const { return dropped_; }  // entries forgotten to stay within the budget

  // The document as it is now is the saved one; isClean() until the next change.
  void setClean();
  bool isClean() const { return currentSerial() == cleanSerial_; }

 private:
  void record(std::unique_ptr<EditCommand> command);
  void enforceBudget();
  uint64_t currentSerial() const { return done_ > 0 ? serials_[done_ - 1] : baseSerial_; }

  ViewerDocument& document_;
  std::vector<std::unique_ptr<EditCommand>> commands_;
  std::vector<uint64_t> serials_;  // one per command: which state it leads to
  size_t done_ = 0;                // commands_[0, done_) are applied
  size_t budget_ = kDefaultBudgetBytes;
  size_t bytes_ = 0;               // sum of the entries' memoryBytes(), kept as they come and go
  size_t sumBytes() const;
  size_t dropped_ = 0;
  uint64_t nextSerial_ = 1;
  uint64_t baseSerial_ = 0;  // the state before commands_[0]
  uint64_t cleanSerial_ = 0;
  std::function<void()> observer_;
  void changed() const {
    if (observer_) observer_();
  }
};

}  // namespace aunet::gui
