#include "app/commands/StudyProcessor.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/SegmentCommand.h"
#include "core/Log.h"
#include "io/DicomInstanceHeader.h"

namespace aunet::app {

namespace fs = std::filesystem;

namespace {

std::string firstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// Errors name the file in working/, which is gone by the time anyone reads the log.
std::string withoutFolder(const std::string& text, const std::string& folder) {
  if (text.rfind(folder, 0) != 0) return text;
  std::string rest = text.substr(folder.size());
  while (!rest.empty() && (rest.front() == '/' || rest.front() == ':' || rest.front() == ' ')) rest.erase(0, 1);
  return rest;
}

std::string firstFile(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::directory_iterator(folder, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) files.push_back(it->path().string());
  return files.empty() ? std::string() : *std::min_element(files.begin(), files.end());
}

// The segment run's own record of the case (its status, error and what was sent).
nlohmann::json caseEntry(const std::string& outputDir) {
  std::ifstream in(fs::path(outputDir) / "summary.json");
  if (!in) return {};
  try {
    const nlohmann::json summary = nlohmann::json::parse(in);
    if (summary.contains("cases") && !summary["cases"].empty()) return summary["cases"][0];
  } catch (const nlohmann::json::exception&) {
  }
  return {};
}

}  // namespace

StudyProcessor::StudyProcessor(ServeOptions options, std::string expectedModality)
    : options_(std::move(options)), expectedModality_(std::move(expectedModality)) {}

StudyProcessor::Outcome StudyProcessor::processSeries(const pipeline::DicomSeriesQueue::Series& series) const {
  const std::string first = firstFile(series.folder);
  if (first.empty()) return {false, "no files"};
  io::DicomInstanceHeader header;
  try {
    header = io::readDicomInstanceHeader(first);
  } catch (const std::exception& e) {
    return {false, "damaged: " + firstLine(e.what())};
  }
  if (!header.image) return {false, "not an image (" + header.sopClassName + ")"};
  if (!expectedModality_.empty() && header.modality != expectedModality_)
    return {false, "modality " + (header.modality.empty() ? std::string("(none)") : header.modality) +
                       ", the model is for " + expectedModality_};

  SegmentOptions segment;
  segment.model = options_.model;
  segment.inputs = {series.folder};
  segment.outputDir = series.outputDir;
  segment.outputFormat = options_.outputFormat;
  segment.sendTo = options_.sendTo;
  segment.aeTitle = options_.aeTitle;
  segment.device = options_.device;
  segment.overwrite = true;
  segment.allowUnevenSlices = options_.allowUnevenSlices;
  segment.progress = "none";
  // The node's log is one line per study; segment's own lines (its warnings and a
  // failed case's error) are muted meanwhile and kept in summary.json.
  std::ostringstream out;
  const core::log::Level level = core::log::level();
  core::log::setLevel(core::log::Level::Off);
  try {
    runSegmentCommand(segment, out);
  } catch (const std::exception& e) {
    core::log::setLevel(level);
    return {false, withoutFolder(firstLine(e.what()), series.folder)};
  }
  core::log::setLevel(level);
  const nlohmann::json entry = caseEntry(series.outputDir);
  if (entry.is_null()) return {false, "segment left no summary.json in " + series.outputDir};
  if (entry.value("status", "") != "done")
    return {false, withoutFolder(entry.value("error", std::string("segmentation failed")), series.folder)};
  if (entry.contains("sent")) {
    const nlohmann::json& sent = entry["sent"];
    if (sent.contains("error")) return {false, "segmented, not sent: " + sent["error"].get<std::string>()};
    if (!sent["not_stored"].empty())
      return {false, "segmented, not all sent: " + sent["not_stored"][0].value("reason", std::string())};
    if (sent.value("stored", 0) == 0) return {true, "segmented, nothing sent: the mask is empty"};
    return {true, "sent " + std::to_string(sent.value("stored", 0)) + " object(s) (" + options_.outputFormat + ") to " +
                      options_.sendTo};
  }
  return {true, "segmented (" + options_.outputFormat + ")"};
}

std::string StudyProcessor::process(pipeline::DicomSeriesQueue& queue,
                                    const pipeline::DicomSeriesQueue::Study& study) const {
  const auto start = std::chrono::steady_clock::now();
  std::ostringstream line;
  line << "study " << study.studyUid << ": ";
  size_t ok = 0;
  for (size_t i = 0; i < study.series.size(); ++i) {
    const auto& series = study.series[i];
    Outcome outcome;
    try {
      outcome = processSeries(series);
    } catch (const std::exception& e) {
      outcome = {false, firstLine(e.what())};
    }
    std::string where;
    try {
      where = queue.finish(series, outcome.ok, outcome.text);
    } catch (const std::exception& e) {
      where = std::string("(not moved: ") + firstLine(e.what()) + ")";
    }
    if (outcome.ok) ++ok;
    line << (i ? "; " : "") << "series " << series.seriesUid << " (" << series.files << " file(s)): "
         << (outcome.ok ? "" : "set aside, ") << outcome.text << (outcome.ok ? "" : " -> " + where);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  line << " [" << ok << "/" << study.series.size() << " series done in " << std::fixed << std::setprecision(1)
       << seconds << " s]";
  return line.str();
}

}  // namespace aunet::app
