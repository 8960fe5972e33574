#include "pipeline/DatasetChecker.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <ostream>
#include <set>

#include "io/ImageReader.h"
#include "core/Error.h"

namespace aunet::pipeline {

namespace fs = std::filesystem;

namespace {

// True when `path` (after resolving links) lies inside `root`.
bool insideRoot(const fs::path& root, const std::string& path) {
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(path, ec);
  if (ec) return false;
  auto r = root.begin();
  auto p = resolved.begin();
  for (; r != root.end(); ++r, ++p)
    if (p == resolved.end() || *r != *p) return false;
  return true;
}

}  // namespace

DatasetCheckReport checkDataset(const io::NnUNetDataset& dataset) {
  DatasetCheckReport report;
  report.cases = static_cast<int>(dataset.training.size());
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(dataset.root, ec);
  if (report.cases == 0) report.problems.push_back(dataset.root + ": no training cases in imagesTr/labelsTr");
  if (dataset.numTraining != report.cases)
    report.problems.push_back(dataset.root + "/dataset.json: numTraining is " + std::to_string(dataset.numTraining) +
                              " but " + std::to_string(report.cases) + " training case(s) were found");
  std::set<int> declared;
  for (int v : dataset.labelValues()) declared.insert(v);
  std::set<int> seen;

  for (const auto& c : dataset.training) {
    const size_t before = report.problems.size();
    auto problem = [&](const std::string& what, const std::string& reason) {
      report.problems.push_back("case " + c.id + ": " + what + ": " + reason);
    };
    std::vector<std::string> files;
    for (size_t ch = 0; ch < c.imagePaths.size(); ++ch) {
      if (c.imagePaths[ch].empty())
        problem("channel " + std::to_string(ch), "missing image imagesTr/" + c.id + "_" +
                                                     std::string(4 - std::min<size_t>(4, std::to_string(ch).size()), '0') +
                                                     std::to_string(ch) + dataset.fileEnding);
      else
        files.push_back(c.imagePaths[ch]);
    }
    if (c.labelPath.empty()) problem("label", "missing labelsTr/" + c.id + dataset.fileEnding);
    else files.push_back(c.labelPath);
    bool escaped = false;
    for (const auto& f : files)
      if (!insideRoot(root, f)) {
        problem(f, "resolves outside the dataset folder " + root.string());
        escaped = true;
      }
    if (report.problems.size() != before || escaped) continue;

    core::Geometry grid;
    bool haveGrid = false;
    try {
      // One channel's checks: finite values, the grid of channel 0.
      auto checkChannel = [&](const std::string& path, const float* data, int64_t n, const core::Geometry& g) {
        if (!std::all_of(data, data + n, [](float v) { return std::isfinite(v); }))
          problem(path, "contains NaN or infinite values");
        if (!haveGrid) {
          grid = g;
          haveGrid = true;
        } else if (!g.sameGrid(grid)) {
          problem(path, "grid differs from channel 0: " + g.describe() + " vs " + grid.describe());
        }
      };
      if (c.channelsInOneFile) {
        // A 4D file is read once for all its volumes (each volume alone would decompress it again).
        const core::Volume all = io::readImage(c.imagePaths[0]);
        if (all.channels() != static_cast<int>(c.imagePaths.size()))
          problem(c.imagePaths[0], "holds " + std::to_string(all.channels()) + " volume(s), but dataset.json names " +
                                       std::to_string(c.imagePaths.size()) + " channel(s)");
        else
          for (int ch = 0; ch < all.channels(); ++ch)
            checkChannel(c.imagePaths[0], all.channel(ch), all.geometry().voxelCount(), all.geometry());
      } else {
        for (const std::string& path : c.imagePaths) {
          const core::Volume image = io::readImage(path);
          if (image.channels() != 1)
            problem(path, "has " + std::to_string(image.channels()) + " components, expected one channel per file");
          checkChannel(path, image.data(), static_cast<int64_t>(image.voxels().size()), image.geometry());
        }
      }
      const core::LabelMap labels = io::readLabelMap(c.labelPath);
      if (haveGrid && !labels.geometry().sameGrid(grid))
        problem(c.labelPath, "label grid differs from the image: " + labels.geometry().describe() + " vs " +
                                 grid.describe());
      std::set<int> present(labels.labels().begin(), labels.labels().end());
      for (int v : present) {
        seen.insert(v);
        if (!declared.count(v))
          problem(c.labelPath, "label value " + std::to_string(v) + " is not declared in dataset.json");
      }
    } catch (const core::Error& e) {
      report.problems.push_back("case " + c.id + ": " + e.what());
    }
    if (report.problems.size() == before) ++report.checkedCases;
  }
  for (const auto& [name, value] : dataset.labels)
    if (value != 0 && report.cases > 0 && !seen.count(value))
      report.warnings.push_back("label '" + name + "' (" + std::to_string(value) + ") appears in no checked case");
  return report;
}

void DatasetCheckReport::print(std::ostream& out, const io::NnUNetDataset& dataset) const {
  out << "Dataset:   " << dataset.name << " (" << dataset.root << ")\n"
      << "Channels:  ";
  for (size_t c = 0; c < dataset.channelNames.size(); ++c) out << (c ? ", " : "") << c << "=" << dataset.channelNames[c];
  out << "\nLabels:    ";
  for (size_t i = 0; i < dataset.labels.size(); ++i)
    out << (i ? ", " : "") << dataset.labels[i].second << "=" << dataset.labels[i].first;
  out << "\nCases:     " << cases << " training (" << checkedCases << " without problems), " << dataset.test.size()
      << " test\n";
  for (const auto& w : warnings) out << "warning: " << w << "\n";
  for (const auto& p : problems) out << "problem: " << p << "\n";
  if (ok()) out << "OK\n";
  else out << problems.size() << " problem(s)\n";
}

}  // namespace aunet::pipeline
