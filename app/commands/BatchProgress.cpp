#include "app/commands/BatchProgress.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "core/Log.h"

namespace aunet::app {

namespace {
constexpr int kBarWidth = 24;
constexpr size_t kMaxNameWidth = 28;

std::string counter(size_t index, size_t total) {
  std::ostringstream out;
  out << '[' << std::setw(static_cast<int>(std::to_string(total).size())) << index + 1 << '/' << total << ']';
  return out.str();
}
}  // namespace

BatchProgress::BatchProgress(std::ostream& terminal, size_t totalCases, Style style)
    : terminal_(terminal), total_(totalCases), style_(style) {}

std::string BatchProgress::formatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  std::ostringstream out;
  if (s >= 3600) out << s / 3600 << ':' << std::setw(2) << std::setfill('0') << (s / 60) % 60;
  else out << s / 60;
  out << ':' << std::setw(2) << std::setfill('0') << s % 60;
  return out.str();
}

void BatchProgress::startCase(size_t index, const std::string& name) {
  index_ = index;
  name_ = name;
  stage_ = "reading";
  fraction_ = 0.0;
  caseStart_ = Clock::now();
  if (style_ == Style::Lines) core::log::info(counter(index_, total_) + " " + name_ + ": segmenting");
  draw(true);
}

void BatchProgress::update(double fraction, const std::string& stage) {
  fraction_ = fraction;
  stage_ = stage;
  draw(false);
}

double BatchProgress::overallEta(double caseRemaining) const {
  const size_t remainingAfterThis = total_ - std::min(total_, finishedCases_ + 1);
  if (processedCases_ == 0) return caseRemaining * static_cast<double>(remainingAfterThis + 1);
  return caseRemaining + processedSeconds_ / static_cast<double>(processedCases_) * static_cast<double>(remainingAfterThis);
}

void BatchProgress::draw(bool force) {
  if (style_ != Style::Bar) return;
  const auto now = Clock::now();
  if (!force && now - lastDraw_ < std::chrono::milliseconds(100)) return;
  lastDraw_ = now;
  const double elapsed = std::chrono::duration<double>(now - caseStart_).count();
  // A case's ETA is only meaningful once part of the inference has run.
  const double caseRemaining = fraction_ > 0.05 ? elapsed / fraction_ * (1.0 - fraction_) : NAN;
  const int filled = static_cast<int>(std::lround(fraction_ * kBarWidth));
  std::string name = name_.size() > kMaxNameWidth ? name_.substr(0, kMaxNameWidth - 1) + "~" : name_;
  std::ostringstream line;
  line << '\r' << counter(index_, total_) << ' ' << std::left << std::setw(static_cast<int>(kMaxNameWidth)) << name
       << " [" << std::string(static_cast<size_t>(filled), '#') << std::string(static_cast<size_t>(kBarWidth - filled), '-')
       << "] " << std::right << std::setw(3) << std::lround(fraction_ * 100) << "% " << std::left << std::setw(14)
       << stage_ << " case ETA " << (std::isnan(caseRemaining) ? "?" : formatDuration(caseRemaining)) << ", all "
       << (std::isnan(caseRemaining) && processedCases_ == 0 ? "?" : formatDuration(overallEta(
                                                                        std::isnan(caseRemaining) ? 0.0 : caseRemaining)))
       << "\033[K";
  terminal_ << line.str() << std::flush;
  lineDirty_ = true;
}

void BatchProgress::finishCase(const std::string& status, double seconds, const std::string& detail) {
  ++finishedCases_;
  if (status == "done") {
    processedSeconds_ += seconds;
    ++processedCases_;
  }
  std::ostringstream msg;
  msg << counter(index_, total_) << ' ' << name_ << ": " << status;
  if (status != "skipped") msg << " in " << std::fixed << std::setprecision(1) << seconds << " s";
  if (!detail.empty()) msg << " (" << detail << ")";
  if (style_ == Style::Bar) {
    terminal_ << "\r\033[K" << (status == "failed" ? "FAILED " : "") << msg.str() << "\n" << std::flush;
    lineDirty_ = false;
  } else if (status == "failed") {
    core::log::error(msg.str());
  } else if (style_ == Style::Lines) {
    core::log::info(msg.str());
  }
}

void BatchProgress::finish() {
  if (style_ == Style::Bar && lineDirty_) terminal_ << "\r\033[K" << std::flush;
  lineDirty_ = false;
}

}  // namespace aunet::app
