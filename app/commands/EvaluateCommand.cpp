#include "app/commands/EvaluateCommand.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <iomanip>
#include <limits>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>

#include "io/DicomObjectReader.h"
#include "io/ImageFormat.h"
#include "io/ImageReader.h"
#include "imaging/ImageResampler.h"
#include "imaging/LabelStatistics.h"
#include "imaging/SegmentationMetrics.h"
#include "io/TextFileWriter.h"
#include "core/Error.h"
#include "core/Log.h"
#include "pipeline/DicomExport.h"

namespace aunet::app {

namespace {

namespace fs = std::filesystem;

const char* const kExtensions[] = {".nii.gz", ".nii", ".nrrd", ".mha", ".dcm"};

// "case.seg.dcm" and "case.rtstruct.dcm" (what `aunet segment` writes) are case "case".
std::string caseNameOf(const std::string& name, const std::string& ext) {
  std::string stem = name.substr(0, name.size() - ext.size());
  for (const char* kind : {".seg", ".rtstruct"}) {
    const std::string suffix(kind);
    if (ext == ".dcm" && stem.size() > suffix.size() && stem.compare(stem.size() - suffix.size(), suffix.size(), suffix) == 0)
      stem.erase(stem.size() - suffix.size());
  }
  return stem;
}

// A reference mask; a DICOM SEG/RTSTRUCT's segment numbers become the prediction's
// label values where the names match the labels.json beside the predictions (what
// `aunet segment` writes), so "liver" is compared with "liver".
core::LabelMap readReference(const std::string& path, const std::string& prediction) {
  if (io::imageExtension(path) != ".dcm" || io::findDicomLabelObject(path).empty()) return io::readLabelMap(path);
  const io::DicomLabelObject object = io::readDicomLabelObject(path);
  for (const auto& w : object.warnings) core::log::warning(path + ": " + w);
  const std::vector<model::LabelInfo> names = pipeline::labelsForMask(prediction);
  std::map<uint16_t, uint16_t> toValue;
  for (const io::DicomSegment& segment : object.segments)
    for (const model::LabelInfo& label : names)
      if (label.name == segment.name) toValue[segment.label] = static_cast<uint16_t>(label.value);
  core::LabelMap labels = object.labels;
  if (!toValue.empty() && toValue.size() < object.segments.size())
    core::log::warning(path + ": " + std::to_string(object.segments.size() - toValue.size()) +
                       " segment(s) whose names no prediction label has are left out");
  if (!toValue.empty())
    for (uint16_t& v : labels.labels())
      if (v != 0) v = toValue.count(v) ? toValue[v] : 0;
  return labels;
}

struct CaseFiles {
  std::map<std::string, std::string> files;       // case name -> path
  std::map<std::string, std::vector<std::string>> duplicates;  // case name -> every path
};

// The label-map files of a folder (not recursive), by case name. Hidden files (our
// own temporary files among them) are skipped.
CaseFiles listCases(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw core::Error(dir, "not a folder");
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    std::error_code typeError;
    if (name.empty() || name[0] == '.' || !entry.is_regular_file(typeError)) continue;
    paths.push_back(entry.path());
  }
  if (ec) throw core::Error(dir, "cannot list the folder: " + ec.message());
  std::sort(paths.begin(), paths.end());
  CaseFiles cases;
  for (const auto& p : paths) {
    const std::string name = p.filename().string();
    const std::string ext = io::imageExtension(name);
    if (std::find(std::begin(kExtensions), std::end(kExtensions), ext) == std::end(kExtensions)) continue;
    const std::string caseName = caseNameOf(name, ext);
    auto [it, inserted] = cases.files.emplace(caseName, p.string());
    if (!inserted) {
      auto& all = cases.duplicates[caseName];
      if (all.empty()) all.push_back(it->second);
      all.push_back(p.string());
    }
  }
  return cases;
}

struct CaseResult {
  std::string name;
  std::string prediction;
  std::string reference;
  bool resampled = false;
  std::map<int, imaging::LabelMetrics> metrics;  // by label
};

struct Failure {
  std::string name;
  std::string error;
};

std::set<int> presentLabels(const core::LabelMap& map) {
  std::vector<bool> seen(65536, false);
  for (uint16_t v : map.labels()) seen[v] = true;
  std::set<int> labels;
  for (int v = 1; v < 65536; ++v)
    if (seen[v]) labels.insert(v);
  return labels;
}

// A label absent from both maps of a case: the convention's perfect "absent".
imaging::LabelMetrics absentInBoth(int label) {
  imaging::LabelMetrics m;
  m.label = label;
  m.dice = m.iou = 1.0;
  m.hd95Mm = m.assdMm = m.hausdorffMm = 0.0;
  return m;
}

std::string number(double v, int precision) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(precision) << v;
  return s.str();
}
std::string number(const std::optional<double>& v, int precision) { return v ? number(*v, precision) : "n/a"; }
std::string csvNumber(const std::optional<double>& v) {
  if (!v) return "";
  std::ostringstream s;
  s << std::setprecision(15) << *v;
  return s.str();
}

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& item : items) s += (s.empty() ? "" : ", ") + item;
  return s;
}

// The metrics that get a mean and standard deviation, with their report names.
struct SummarizedMetric {
  const char* key;
  std::optional<double> (*value)(const imaging::LabelMetrics&);
};
const SummarizedMetric kSummarized[] = {
    {"dice", [](const imaging::LabelMetrics& m) -> std::optional<double> { return m.dice; }},
    {"iou", [](const imaging::LabelMetrics& m) -> std::optional<double> { return m.iou; }},
    {"hd95_mm", [](const imaging::LabelMetrics& m) { return m.hd95Mm; }},
    {"assd_mm", [](const imaging::LabelMetrics& m) { return m.assdMm; }},
    {"hausdorff_mm", [](const imaging::LabelMetrics& m) { return m.hausdorffMm; }},
};

std::string meanStd(const imaging::MetricSummary& s, int precision) {
  if (!s.mean) return "n/a";
  return number(*s.mean, precision) + " +- " + number(*s.std, precision);
}

}  // namespace

void setupEvaluateCommand(CLI::App& parent, EvaluateOptions& options) {
  auto* cmd = parent.add_subcommand(
      "evaluate", "Compare predicted label maps with references: Dice, IoU, HD95, ASSD per case and label");
  cmd->footer(
      "Examples:\n"
      "  aunet evaluate --pred masks/ --ref labelsTs/ -o report.json --csv report.csv\n"
      "  aunet evaluate --pred masks/ --ref labelsTs/ --labels 1,2");
  cmd->add_option("--pred", options.predictionDir, "Folder of predicted label maps (.nii.gz, .nii, .nrrd, .mha)")
      ->required();
  cmd->add_option("--ref", options.referenceDir, "Folder of reference label maps, matched by file name")->required();
  cmd->add_option("-o,--output", options.jsonReport, "Write the JSON report here");
  cmd->add_option("--csv", options.csvReport, "Write one CSV row per case and label here");
  cmd->add_option("--labels", options.labels, "Labels to evaluate, e.g. 1,2,3 (default: every label found)")
      ->delimiter(',');
}

int runEvaluateCommand(const EvaluateOptions& options, std::ostream& out) {
  for (int l : options.labels)
    if (l < 1 || l > 65535) throw core::Error("--labels", "label " + std::to_string(l) + " is not in 1..65535");
  const CaseFiles predictions = listCases(options.predictionDir);
  const CaseFiles references = listCases(options.referenceDir);

  std::vector<std::string> matched, unmatchedPredictions, unmatchedReferences;
  for (const auto& [name, path] : predictions.files)
    (references.files.count(name) ? matched : unmatchedPredictions).push_back(name);
  for (const auto& [name, path] : references.files)
    if (!predictions.files.count(name)) unmatchedReferences.push_back(name);

  std::vector<Failure> failures;
  std::vector<CaseResult> results;
  std::set<int> allLabels(options.labels.begin(), options.labels.end());
  for (size_t c = 0; c < matched.size(); ++c) {
    const std::string& name = matched[c];
    const auto ambiguous = [&](const CaseFiles& files, const char* which) {
      const auto it = files.duplicates.find(name);
      if (it == files.duplicates.end()) return false;
      failures.push_back({name, std::string("more than one ") + which + " file: " + joined(it->second)});
      return true;
    };
    if (ambiguous(predictions, "prediction") || ambiguous(references, "reference")) continue;
    CaseResult result{name, predictions.files.at(name), references.files.at(name), false, {}};
    try {
      const core::LabelMap reference = readReference(result.reference, result.prediction);
      core::LabelMap prediction = io::readLabelMap(result.prediction);
      if (!prediction.geometry().sameGrid(reference.geometry())) {
        core::log::debug(name + ": prediction grid " + prediction.geometry().describe() +
                         " differs from the reference grid " + reference.geometry().describe() + "; resampling");
        prediction = imaging::resample(prediction, reference.geometry());
        result.resampled = true;
      }
      std::set<int> labels(options.labels.begin(), options.labels.end());
      if (labels.empty()) {
        labels = presentLabels(reference);
        const std::set<int> predicted = presentLabels(prediction);
        labels.insert(predicted.begin(), predicted.end());
        allLabels.insert(labels.begin(), labels.end());
      }
      for (int label : labels) result.metrics[label] = imaging::computeLabelMetrics(prediction, reference, label);
    } catch (const std::exception& e) {
      // core::Error names the file; anything else gets the case name.
      const std::string message = dynamic_cast<const core::Error*>(&e) ? e.what() : name + ": " + e.what();
      core::log::warning("evaluate: " + message);
      failures.push_back({name, message});
      continue;
    }
    core::log::debug("evaluated " + name + " (" + std::to_string(c + 1) + "/" + std::to_string(matched.size()) + ")");
    results.push_back(std::move(result));
  }
  // Labels found only in other cases are absent from both maps of this one.
  for (auto& r : results)
    for (int label : allLabels)
      if (!r.metrics.count(label)) r.metrics[label] = absentInBoth(label);

  // Mean and standard deviation per label and metric.
  std::map<int, std::map<std::string, imaging::MetricSummary>> summary;
  for (int label : allLabels)
    for (const auto& metric : kSummarized) {
      std::vector<std::optional<double>> values;
      for (const auto& r : results) values.push_back(metric.value(r.metrics.at(label)));
      summary[label][metric.key] = imaging::summarize(values);
    }

  if (!options.jsonReport.empty()) {
    nlohmann::json cases = nlohmann::json::array();
    for (const auto& r : results) {
      nlohmann::json labels = nlohmann::json::array();
      for (const auto& [label, m] : r.metrics) labels.push_back(imaging::toJson(m));
      cases.push_back({{"case", r.name},
                       {"prediction", r.prediction},
                       {"reference", r.reference},
                       {"resampled", r.resampled},
                       {"labels", std::move(labels)}});
    }
    nlohmann::json summaryJson = nlohmann::json::array();
    for (const auto& [label, metrics] : summary) {
      nlohmann::json entry{{"label", label}, {"cases", results.size()}};
      for (const auto& [key, s] : metrics) entry[key] = imaging::toJson(s);
      summaryJson.push_back(std::move(entry));
    }
    nlohmann::json failed = nlohmann::json::array();
    for (const auto& f : failures) failed.push_back({{"case", f.name}, {"error", f.error}});
    const nlohmann::json report{
        {"prediction_dir", options.predictionDir},
        {"reference_dir", options.referenceDir},
        {"labels", std::vector<int>(allLabels.begin(), allLabels.end())},
        {"conventions",
         {{"distances", "mm between surface voxel centres (face-connected boundary), exact Euclidean distance "
                        "transform with the reference spacing"},
          {"hd95", "max of the two directed 95th percentiles (linear interpolation)"},
          {"assd", "mean of all surface distances in both directions"},
          {"both_empty", "dice 1, iou 1, distances 0"},
          {"one_empty", "dice 0, iou 0, distances null (left out of the summary, counted as undefined)"},
          {"std", "population standard deviation over cases"}}},
        {"cases", std::move(cases)},
        {"summary", std::move(summaryJson)},
        {"unmatched_predictions", unmatchedPredictions},
        {"unmatched_references", unmatchedReferences},
        {"failed", std::move(failed)}};
    io::writeTextFile(options.jsonReport, report.dump(2) + "\n");
  }

  if (!options.csvReport.empty()) {
    std::string csv =
        "case,label,dice,iou,hd95_mm,assd_mm,hausdorff_mm,predicted_voxels,reference_voxels,overlap_voxels,resampled\n";
    for (const auto& r : results)
      for (const auto& [label, m] : r.metrics)
        csv += imaging::csvField(r.name) + "," + std::to_string(label) + "," + csvNumber(m.dice) + "," + csvNumber(m.iou) +
               "," + csvNumber(m.hd95Mm) + "," + csvNumber(m.assdMm) + "," + csvNumber(m.hausdorffMm) + "," +
               std::to_string(m.predictedVoxels) + "," + std::to_string(m.referenceVoxels) + "," +
               std::to_string(m.overlapVoxels) + "," + (r.resampled ? "true" : "false") + "\n";
    io::writeTextFile(options.csvReport, csv);
  }

  // The table on stdout.
  size_t width = 4;
  for (const auto& r : results) width = std::max(width, r.name.size());
  out << "Evaluated " << results.size() << " of " << matched.size() << " matched case(s)\n";
  if (!results.empty()) {
    out << std::left << std::setw(static_cast<int>(width)) << "case" << std::right << std::setw(7) << "label"
        << std::setw(9) << "Dice" << std::setw(9) << "IoU" << std::setw(11) << "HD95 mm" << std::setw(11) << "ASSD mm"
        << "\n";
    for (const auto& r : results)
      for (const auto& [label, m] : r.metrics)
        out << std::left << std::setw(static_cast<int>(width)) << r.name << std::right << std::setw(7) << label
            << std::setw(9) << number(m.dice, 4) << std::setw(9) << number(m.iou, 4) << std::setw(11)
            << number(m.hd95Mm, 2) << std::setw(11) << number(m.assdMm, 2) << (r.resampled ? "  (resampled)" : "")
            << "\n";
    out << "\nMean +- std over cases (distances over the cases where both masks are non-empty):\n"
        << std::setw(7) << "label" << std::setw(20) << "Dice" << std::setw(20) << "IoU" << std::setw(20) << "HD95 mm"
        << std::setw(20) << "ASSD mm" << std::setw(12) << "distances" << "\n";
    for (const auto& [label, metrics] : summary) {
      const auto& hd = metrics.at("hd95_mm");
      out << std::setw(7) << label << std::setw(20) << meanStd(metrics.at("dice"), 4) << std::setw(20)
          << meanStd(metrics.at("iou"), 4) << std::setw(20) << meanStd(hd, 2) << std::setw(20)
          << meanStd(metrics.at("assd_mm"), 2) << std::setw(12)
          << (std::to_string(hd.count) + "/" + std::to_string(hd.count + hd.undefined)) << "\n";
    }
  }
  if (!unmatchedPredictions.empty())
    out << "Predictions without a reference (" << unmatchedPredictions.size() << "): " << joined(unmatchedPredictions)
        << "\n";
  if (!unmatchedReferences.empty())
    out << "References without a prediction (" << unmatchedReferences.size() << "): " << joined(unmatchedReferences)
        << "\n";
  for (const auto& f : failures) out << "FAILED " << f.name << ": " << f.error << "\n";
  if (matched.empty())
    out << "No case matched: prediction and reference files are paired by name (" << options.predictionDir << ", "
        << options.referenceDir << ")\n";
  if (!options.jsonReport.empty()) out << "JSON report: " << options.jsonReport << "\n";
  if (!options.csvReport.empty()) out << "CSV report: " << options.csvReport << "\n";
  return results.empty() || !failures.empty() ? 1 : 0;
}

}  // namespace aunet::app
