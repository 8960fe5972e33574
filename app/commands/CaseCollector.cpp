#include "app/commands/CaseCollector.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "io/DicomSeriesScanner.h"
#include "io/ImageFormat.h"
#include "core/Error.h"
#include "core/Log.h"

namespace aunet::app {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxFolderDepth = 3;

std::string stemOf(const std::string& path) {
  const std::string file = fs::path(path).filename().string();
  const std::string ext = io::imageExtension(path);
  return ext.empty() || ext.size() >= file.size() ? file : file.substr(0, file.size() - ext.size());
}

bool isImageFile(const fs::path& file) {
  const io::ImageFormat f = io::formatFromExtension(file.string());
  return f == io::ImageFormat::Nifti || f == io::ImageFormat::Nrrd || f == io::ImageFormat::MetaImage ||
         f == io::ImageFormat::Raster2D;
}

// Data files of .mhd/.nhdr headers and our own reports are not DICOM candidates.
bool maybeDicom(const fs::path& file) {
  const std::string ext = io::imageExtension(file.string());
  static const std::set<std::string> notDicom{".raw", ".zraw", ".gz", ".txt", ".json", ".csv", ".md", ".log"};
  return notDicom.count(ext) == 0;
}

class Collector {
 public:
  std::vector<InputCase> cases;

  void addInput(const std::string& input, bool fromList) {
    std::error_code ec;
    const fs::path p(input);
    if (fs::is_directory(p, ec)) {
      if (!addFolder(p, 0)) core::log::warning(input + ": no images or DICOM series found; ignored");
      return;
    }
    if (!fromList && io::imageExtension(input) == ".txt" && fs::is_regular_file(p, ec)) {
      addList(p);
      return;
    }
    if (io::detectFormat(input) == io::ImageFormat::Dicom && fs::exists(p, ec)) {
      // One DICOM file stands for its series; readImage reads the whole series.
      add(p.parent_path().filename().string(), input, "");
      return;
    }
    add(stemOf(input), input, "");
  }

 private:
  std::set<std::pair<std::string, std::string>> seen_;

  void add(const std::string& name, const std::string& path, const std::string& series) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    if (!seen_.insert({ec ? path : canonical.string(), series}).second) return;
    cases.push_back({CaseCollector::sanitize(name.empty() ? "case" : name), path, series});
  }

  void addList(const fs::path& list) {
    std::ifstream in(list);
    if (!in) throw core::Error(list.string(), "cannot read the input list");
    std::string line;
    while (std::getline(in, line)) {
      line.erase(std::find_if(line.rbegin(), line.rend(), [](unsigned char c) { return !std::isspace(c); }).base(),
                 line.end());
      line.erase(line.begin(), std::find_if(line.begin(), line.end(), [](unsigned char c) { return !std::isspace(c); }));
      if (line.empty() || line[0] == '#') continue;
      fs::path entry(line);
      if (entry.is_relative()) entry = list.parent_path() / entry;
      addInput(entry.lexically_normal().string(), true);
    }
  }

  // Returns whether the folder (or, when it holds nothing itself, a subfolder) holds images.
  bool addFolder(const fs::path& dir, int depth) {
    std::vector<fs::path> files, folders;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.') continue;  // hidden files, our temporary files
      if (entry.is_directory(ec))
        folders.push_back(entry.path());
      else if (entry.is_regular_file(ec))
        files.push_back(entry.path());
    }
    if (ec) throw core::Error(dir.string(), "cannot list the folder: " + ec.message());
    std::sort(files.begin(), files.end());
    std::sort(folders.begin(), folders.end());

    bool found = false;  // images here, even if another input already named them
    bool dicomCandidates = false;
    for (const auto& f : files) {
      if (isImageFile(f)) {
        add(stemOf(f.string()), f.string(), "");
        found = true;
      } else if (maybeDicom(f))
        dicomCandidates = true;
    }
    if (dicomCandidates) {
      std::vector<io::DicomSeriesInfo> series = io::scanDicomSeries(dir.string(), false);
      series.erase(std::remove_if(series.begin(), series.end(), [](const auto& s) { return !s.isImage; }),
                   series.end());
      const std::string base = dir.filename().string();
      found = found || !series.empty();
      for (size_t s = 0; s < series.size(); ++s) {
        std::string name = base;
        if (series.size() > 1)
          name += "_" + (series[s].description.empty() ? "series" + std::to_string(s + 1) : series[s].description);
        add(name, dir.string(), series.size() > 1 ? series[s].id : "");
      }
    }
    // A folder of studies: look one level further only when this one held nothing,
    // so an nnU-Net folder's labelsTr next to imagesTr is never taken for images.
    if (!found && depth < kMaxFolderDepth)
      for (const auto& sub : folders) found = addFolder(sub, depth + 1) || found;
    return found;
  }
};

}  // namespace

std::string CaseCollector::sanitize(const std::string& name) {
  std::string out = name;
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '_';
  while (!out.empty() && out.front() == '.') out.erase(out.begin());  // no hidden outputs
  return out.empty() ? "case" : out;
}

std::vector<InputCase> CaseCollector::collect(const std::vector<std::string>& inputs) {
  Collector collector;
  for (const auto& input : inputs) collector.addInput(input, false);
  // Unique names, first come first served: later duplicates get _2, _3, ...
  std::set<std::string> used;
  for (auto& c : collector.cases) {
    std::string name = c.name;
    for (int n = 2; !used.insert(name).second; ++n) name = c.name + "_" + std::to_string(n);
    c.name = name;
  }
  return collector.cases;
}

std::vector<InputCase> CaseCollector::shard(const std::vector<InputCase>& cases, size_t index, size_t count) {
  std::vector<InputCase> out;
  for (size_t i = index; i < cases.size(); i += std::max<size_t>(count, 1)) out.push_back(cases[i]);
  return out;
}

void CaseCollector::parseShard(const std::string& text, size_t& index, size_t& count) {
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    size_t used = 0;
    const long long i = std::stoll(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    const std::string rest = text.substr(slash + 1);
    const long long n = std::stoll(rest, &used);
    if (used != rest.size()) throw std::invalid_argument("count");
    if (n < 1 || i < 0 || i >= n) throw std::out_of_range("range");
    index = static_cast<size_t>(i);
    count = static_cast<size_t>(n);
  } catch (const std::exception&) {
    throw core::Error("invalid shard '" + text + "': expected i/n with 0 <= i < n (e.g. 0/4)");
  }
}

}  // namespace aunet::app
