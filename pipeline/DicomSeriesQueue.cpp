#include "pipeline/DicomSeriesQueue.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "core/Error.h"

namespace aunet::pipeline {

namespace fs = std::filesystem;

namespace {

void makeDirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw core::Error(dir.string(), "cannot create the folder: " + ec.message());
}

// rename(2) within one file system; a folder already at `to` is merged into (files
// from `from` win), so a series sent twice ends up as one.
void moveInto(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  makeDirs(to.parent_path());
  if (!fs::exists(to, ec)) {
    fs::rename(from, to, ec);
    if (ec) throw core::Error(from.string(), "cannot move it to " + to.string() + ": " + ec.message());
    return;
  }
  for (const auto& entry : fs::directory_iterator(from)) {
    fs::rename(entry.path(), to / entry.path().filename(), ec);
    if (ec) throw core::Error(entry.path().string(), "cannot move it to " + to.string() + ": " + ec.message());
  }
  fs::remove(from, ec);
}

void removeIfEmpty(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec) && fs::is_empty(dir, ec)) fs::remove(dir, ec);
}

size_t countFiles(const fs::path& dir) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) ++n;
  return n;
}

}  // namespace

std::string DicomSeriesQueue::folderName(const std::string& uid) {
  std::string name;
  for (const char c : uid.substr(0, 100))
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (name.empty()) return "unknown";
  if (name.find_first_not_of('.') == std::string::npos) std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

DicomSeriesQueue::DicomSeriesQueue(std::string root, std::chrono::milliseconds quietPeriod, Clock clock)
    : root_(std::move(root)), quiet_(quietPeriod), clock_(std::move(clock)) {
  const fs::path r(root_);
  for (const char* area : {"incoming", "series", "working", "output", "done", "failed"}) makeDirs(r / area);
  std::error_code ec;
  // A file cut off by a stop or crash while it was received: the sender got no success
  // for it and sends it again.
  for (const auto& entry : fs::directory_iterator(r / "incoming")) fs::remove_all(entry.path(), ec);
  // Work that was interrupted starts again; its partial results are dropped.
  for (const auto& study : fs::directory_iterator(r / "working"))
    for (const auto& series : fs::directory_iterator(study.path()))
      moveInto(series.path(), r / "series" / study.path().filename() / series.path().filename());
  for (const auto& entry : fs::directory_iterator(r / "working")) removeIfEmpty(entry.path());
  for (const auto& entry : fs::directory_iterator(r / "output")) fs::remove_all(entry.path(), ec);
  const TimePoint now = clock_();
  for (const auto& study : fs::directory_iterator(r / "series")) {
    if (!study.is_directory()) continue;
    for (const auto& series : fs::directory_iterator(study.path()))
      if (series.is_directory())
        lastArrival_[{study.path().filename().string(), series.path().filename().string()}] = now;
    removeIfEmpty(study.path());
  }
}

std::string DicomSeriesQueue::incomingDir() const { return (fs::path(root_) / "incoming").string(); }

std::string DicomSeriesQueue::seriesDir(const std::string& area, const std::string& study,
                                        const std::string& series) const {
  return (fs::path(root_) / area / study / series).string();
}

void DicomSeriesQueue::add(const std::string& file, const std::string& studyUid, const std::string& seriesUid,
                           const std::string& sopInstanceUid) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::error_code ec;
  if (studyUid.empty() || seriesUid.empty()) {
    const fs::path dir = fs::path(root_) / "failed" / "unsorted";
    makeDirs(dir);
    fs::rename(file, dir / fs::path(file).filename(), ec);
    if (ec) throw core::Error(file, "cannot move it to " + dir.string() + ": " + ec.message());
    return;
  }
  const std::string study = folderName(studyUid), series = folderName(seriesUid);
  const fs::path dir = seriesDir("series", study, series);
  makeDirs(dir);
  const std::string name =
      sopInstanceUid.empty() ? fs::path(file).filename().string() : folderName(sopInstanceUid) + ".dcm";
  fs::rename(file, dir / name, ec);
  if (ec) throw core::Error(file, "cannot move it to " + dir.string() + ": " + ec.message());
  lastArrival_[{study, series}] = clock_();
}

std::optional<DicomSeriesQueue::Study> DicomSeriesQueue::takeReadyStudy() {
  std::lock_guard<std::mutex> lock(mutex_);
  const TimePoint now = clock_();
  // A study is as recent as its most recent series.
  std::map<std::string, TimePoint> studyLast;
  for (const auto& [key, t] : lastArrival_) {
    auto [it, inserted] = studyLast.emplace(key.first, t);
    if (!inserted) it->second = std::max(it->second, t);
  }
  std::optional<std::pair<std::string, TimePoint>> oldest;
  for (const auto& [study, t] : studyLast)
    if (now - t >= quiet_ && (!oldest || t < oldest->second)) oldest = {study, t};
  if (!oldest) return std::nullopt;

  Study job;
  job.studyUid = oldest->first;
  for (auto it = lastArrival_.begin(); it != lastArrival_.end();) {
    if (it->first.first != job.studyUid) {
      ++it;
      continue;
    }
    Series s;
    s.studyUid = it->first.first;
    s.seriesUid = it->first.second;
    s.folder = seriesDir("working", s.studyUid, s.seriesUid);
    s.outputDir = seriesDir("output", s.studyUid, s.seriesUid);
    moveInto(seriesDir("series", s.studyUid, s.seriesUid), s.folder);
    std::error_code ec;
    fs::remove_all(s.outputDir, ec);
    s.files = countFiles(s.folder);
    job.series.push_back(std::move(s));
    it = lastArrival_.erase(it);
  }
  removeIfEmpty(fs::path(root_) / "series" / job.studyUid);
  return job;
}

std::string DicomSeriesQueue::finish(const Series& series, bool succeeded, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::error_code ec;
  const fs::path r(root_);
  std::string result;
  if (succeeded) {
    const fs::path done = seriesDir("done", series.studyUid, series.seriesUid);
    fs::remove_all(done, ec);
    makeDirs(done.parent_path());
    if (fs::exists(series.outputDir, ec)) {
      fs::rename(series.outputDir, done, ec);
      if (ec) throw core::Error(series.outputDir, "cannot move it to " + done.string() + ": " + ec.message());
    } else {
      makeDirs(done);
    }
    fs::remove_all(series.folder, ec);
    result = done.string();
  } else {
    const fs::path failed = seriesDir("failed", series.studyUid, series.seriesUid);
    fs::remove_all(failed, ec);
    moveInto(series.folder, failed);
    if (fs::exists(series.outputDir, ec)) {
      const fs::path partial = failed.string() + "-output";
      fs::remove_all(partial, ec);
      fs::rename(series.outputDir, partial, ec);
    }
    std::ofstream(failed.string() + ".txt") << reason << "\n";
    result = failed.string();
  }
  removeIfEmpty(r / "working" / series.studyUid);
  removeIfEmpty(r / "output" / series.studyUid);
  return result;
}

size_t DicomSeriesQueue::waitingSeries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lastArrival_.size();
}

}  // namespace aunet::pipeline
