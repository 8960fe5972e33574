#include "app/commands/TrainingProgressBar.h"

#include <iomanip>
#include <ostream>
#include <sstream>

#include "app/commands/BatchProgress.h"

namespace aunet::app {

namespace {
constexpr int kBarWidth = 24;
}

TrainingProgressBar::TrainingProgressBar(std::ostream& terminal, bool enabled) : terminal_(terminal), enabled_(enabled) {}

void TrainingProgressBar::update(const pipeline::IterationProgress& p) {
  if (!enabled_) return;
  if (p.iteration == p.iterations) {  // the epoch's log line follows: leave the line empty
    clear();
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - lastDraw_ < std::chrono::milliseconds(100)) return;
  lastDraw_ = now;
  const double rate = p.epochSeconds > 0 ? p.iteration / p.epochSeconds : 0.0;
  const double epochEta = rate > 0 ? (p.iterations - p.iteration) / rate : -1.0;
  const double perEpoch = rate > 0 ? p.iterations / rate : -1.0;
  const double runEta = perEpoch > 0 ? epochEta + perEpoch * (p.epochs - p.epoch) : -1.0;
  const int filled = static_cast<int>(kBarWidth * static_cast<double>(p.iteration) / p.iterations);
  std::ostringstream line;
  line << "\r\033[2Kepoch " << p.epoch << "/" << p.epochs << " [" << std::string(static_cast<size_t>(filled), '#')
       << std::string(static_cast<size_t>(kBarWidth - filled), '.') << "] " << p.iteration << "/" << p.iterations
       << "  loss " << std::fixed << std::setprecision(4) << p.meanLoss << "  " << std::setprecision(2) << rate
       << " it/s  ETA " << BatchProgress::formatDuration(epochEta) << " (run " << BatchProgress::formatDuration(runEta)
       << ")";
  terminal_ << line.str() << std::flush;
  dirty_ = true;
}

void TrainingProgressBar::clear() {
  if (!enabled_ || !dirty_) return;
  terminal_ << "\r\033[2K" << std::flush;
  dirty_ = false;
}

}  // namespace aunet::app
