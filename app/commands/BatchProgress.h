#pragma once
// What `aunet segment` shows while it works: on a terminal, one progress bar line
// redrawn in place with the current case, its stage, a per-case and an overall ETA;
// otherwise (logs, pipes, SLURM) one plain log line per case start and end.

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>

namespace aunet::app {

class BatchProgress {
 public:
  enum class Style { Bar, Lines, Silent };

  BatchProgress(std::ostream& terminal, size_t totalCases, Style style);

  void startCase(size_t index, const std::string& name);
  // fraction of the current case in [0, 1]; redraws at most 10 times a second.
  void update(double fraction, const std::string& stage);
  // status: "done", "skipped" or "failed"; detail is shown after it (error, timings).
  void finishCase(const std::string& status, double seconds, const std::string& detail);
  // Clears the bar line.
  void finish();

  // "0:07", "12:34", "1:02:03".
  static std::string formatDuration(double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  void draw(bool force);
  double overallEta(double caseRemaining) const;

  std::ostream& terminal_;
  size_t total_;
  Style style_;
  size_t index_ = 0;
  std::string name_;
  std::string stage_;
  double fraction_ = 0.0;
  Clock::time_point caseStart_ = Clock::now();
  Clock::time_point lastDraw_{};
  double processedSeconds_ = 0.0;  // cases actually segmented (skips are not a pace)
  size_t processedCases_ = 0;
  size_t finishedCases_ = 0;
  bool lineDirty_ = false;
};

}  // namespace aunet::app
