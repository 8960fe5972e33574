#include "gui/EditHistory.h"

namespace aunet::gui {

void EditHistory::execute(std::unique_ptr<EditCommand> command) {
  command->apply(document_);
  record(std::move(command));
}

void EditHistory::push(std::unique_ptr<EditCommand> command) { record(std::move(command)); }

void EditHistory::record(std::unique_ptr<EditCommand> command) {
  if (done_ < commands_.size()) {
    commands_.resize(done_);  // what was undone cannot be redone after a new edit
    serials_.resize(done_);
    bytes_ = sumBytes();
  }
  // A running total: summing every entry on each edit made long sessions (tens of
  // thousands of strokes) quadratic.
  bytes_ += command->memoryBytes();
  commands_.push_back(std::move(command));
  serials_.push_back(nextSerial_++);
  done_ = commands_.size();
  enforceBudget();
  changed();
}

std::string EditHistory::undoText() const { return canUndo() ? commands_[done_ - 1]->text() : std::string(); }

std::string EditHistory::redoText() const { return canRedo() ? commands_[done_]->text() : std::string(); }

bool EditHistory::undo() {
  if (!canUndo()) return false;
  commands_[--done_]->revert(document_);
  bytes_ = sumBytes();  // an entry's size may change when it is reverted or applied
  enforceBudget();  // a reverted mask replacement now keeps its own mask alive
  changed();
  return true;
}

bool EditHistory::redo() {
  if (!canRedo()) return false;
  commands_[done_++]->apply(document_);
  bytes_ = sumBytes();
  enforceBudget();
  changed();
  return true;
}

void EditHistory::clear() {
  commands_.clear();
  serials_.clear();
  bytes_ = 0;
  done_ = 0;
  baseSerial_ = cleanSerial_ = nextSerial_++;
  changed();
}

void EditHistory::setMemoryBudget(size_t bytes) {
  budget_ = bytes;
  enforceBudget();
}

size_t EditHistory::sumBytes() const {
  size_t total = 0;
  for (const auto& c : commands_) total += c->memoryBytes();
  return total;
}

void EditHistory::enforceBudget() {
  size_t& total = bytes_;
  while (total > budget_ && commands_.size() > 1) {
    if (done_ > 0) {
      // The oldest applied entry: its state becomes the base nothing can go back past.
      total -= commands_.front()->memoryBytes();
      baseSerial_ = serials_.front();
      commands_.erase(commands_.begin());
      serials_.erase(serials_.begin());
      --done_;
    } else {
      // Everything is undone: the farthest redo goes first (the others lead to it).
      total -= commands_.back()->memoryBytes();
      commands_.pop_back();
      serials_.pop_back();
    }
    ++dropped_;
  }
}

void EditHistory::setClean() {
  cleanSerial_ = currentSerial();
  changed();
}

}  // namespace aunet::gui
