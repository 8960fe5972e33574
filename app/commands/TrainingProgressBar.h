#pragma once
// What `aunet train` shows during an epoch on a terminal: one line redrawn in place,
//   epoch 3/40 [#########...............]  12/20  loss 0.5321  1.9 it/s  ETA 0:04 (run 2:31)
// and nothing on a pipe or log file, where the per-epoch log line says it all.

#include <chrono>
#include <iosfwd>

#include "pipeline/Trainer.h"

namespace aunet::app {

class TrainingProgressBar {
 public:
  // enabled: usually isatty(stderr). The run's ETA assumes later epochs run at
  // this epoch's pace (validation time not included).
  TrainingProgressBar(std::ostream& terminal, bool enabled);

  void update(const pipeline::IterationProgress& progress);  // redraws at most 10 times a second
  void clear();                                    // before anything else is printed

 private:
  std::ostream& terminal_;
  bool enabled_;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point lastDraw_{};
};

}  // namespace aunet::app
