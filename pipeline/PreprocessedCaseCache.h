#pragma once
// Prepared training cases kept on disk (by default RUN_DIR/preprocessed/), so a
// resumed run, or another run on the same dataset and preprocessing plan, skips
// reading, reorienting, cropping, resampling and normalizing. A case's entry is
// valid only for the exact preprocessing plan and the exact source files (path,
// size, modification time) it was made from; anything else prepares it again.
// Entries are written atomically, the key last, so a killed run leaves no entry
// that looks valid but is not. Torch-free.

#include <string>

#include "pipeline/TrainingPreprocessor.h"
#include "io/NnUNetDataset.h"
#include "model/api/TrainingPlan.h"

namespace aunet::pipeline {

class PreprocessedCaseCache {
 public:
  // writable false: only read valid entries (data-parallel ranks other than 0).
  PreprocessedCaseCache(std::string folder, const model::TrainingPlan& plan, bool writable = true);

  // The prepared case, from the cache when valid, else prepared (and stored).
  TrainingCase load(const io::NnUNetCase& source);

  int hits() const { return hits_; }
  int misses() const { return misses_; }

 private:
  std::string keyFor(const io::NnUNetCase& source) const;

  std::string folder_;
  model::TrainingPlan plan_;
  bool writable_;
  int hits_ = 0, misses_ = 0;
};

}  // namespace aunet::pipeline
