#pragma once
// N workers (one per GPU in `aunet segment --device cuda:all`) taking items from one
// queue: whoever is free takes the next item, so a slow case on one device does not
// hold back the others. Std-only.

#include <cstddef>
#include <functional>

namespace aunet::core {

// Runs work(worker, item) for every item 0..items-1, exactly once, on `workers`
// threads (worker 0 is the calling thread); items are handed out in order. An
// exception thrown by work stops the hand-out (items not started are not run) and is
// rethrown here, the first one, after every worker has returned.
void runWorkQueue(size_t items, size_t workers, const std::function<void(size_t worker, size_t item)>& work);

}  // namespace aunet::core
