#include "model/api/LabelDescription.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/Error.h"

namespace fs = std::filesystem;

namespace aunet::model {

namespace {

std::vector<LabelInfo> parseJson(const std::string& text, const std::string& source) {
  std::vector<LabelInfo> labels;
  try {
    const nlohmann::json json = nlohmann::json::parse(text);
    const nlohmann::json& list = json.is_object() && json.contains("labels") ? json.at("labels") : json;
    if (!list.is_array()) throw std::invalid_argument("expected a list of labels");
    for (const auto& item : list) labels.push_back(LabelInfo::fromJson(item));
  } catch (const std::exception& e) {
    throw core::Error(source, std::string("not a label names file ([{\"value\": 1, \"name\": \"liver\"}, ...]): ") +
                                  e.what());
  }
  return labels;
}

// ITK-SNAP writes: IDX -R- -G- -B- -A-- VIS MSH "LABEL"; '#' starts a comment line.
std::vector<LabelInfo> parseItkSnap(const std::string& text, const std::string& source) {
  std::vector<LabelInfo> labels;
  std::istringstream in(text);
  std::string line;
  int lineNumber = 0;
  while (std::getline(in, line)) {
    ++lineNumber;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto bad = [&](const std::string& why) {
      return core::Error(source, "line " + std::to_string(lineNumber) + ": " + why +
                                     " (ITK-SNAP label description: IDX R G B A VIS MSH \"LABEL\")");
    };
    const auto quote = line.find('"');
    const auto endQuote = quote == std::string::npos ? std::string::npos : line.find('"', quote + 1);
    if (endQuote == std::string::npos) throw bad("no quoted label name");
    std::istringstream fields(line.substr(0, quote));
    long long idx = -1, r = -1, g = -1, b = -1;
    double alpha = -1;
    int visible = -1, mesh = -1;
    if (!(fields >> idx >> r >> g >> b >> alpha >> visible >> mesh)) throw bad("expected 7 numbers before the name");
    std::string rest;
    if (fields >> rest) throw bad("unexpected '" + rest + "' before the name");
    if (idx < 0 || idx > 65535) throw bad("label value " + std::to_string(idx) + " is outside 0..65535");
    for (long long c : {r, g, b})
      if (c < 0 || c > 255) throw bad("colour component " + std::to_string(c) + " is outside 0..255");
    if (alpha < 0 || alpha > 1) throw bad("opacity must lie in [0, 1]");
    LabelInfo info;
    info.value = static_cast<int>(idx);
    info.name = line.substr(quote + 1, endQuote - quote - 1);
    info.color = {static_cast<uint8_t>(r), static_cast<uint8_t>(g), static_cast<uint8_t>(b)};
    if (info.value == 0) info.name = "background";  // ITK-SNAP's "Clear Label"
    labels.push_back(std::move(info));
  }
  if (labels.empty()) throw core::Error(source, "no labels in the label description");
  return labels;
}

std::string stemOf(const fs::path& path) {
  std::string name = path.filename().string();
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* ext : {".nii.gz", ".nii", ".nrrd", ".nhdr", ".mha", ".mhd", ".seg.dcm", ".dcm"}) {
    const std::string e(ext);
    if (lower.size() > e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0)
      return name.substr(0, name.size() - e.size());
  }
  return path.stem().string();
}

}  // namespace

std::vector<LabelInfo> parseLabelDescription(const std::string& text, const std::string& source) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (text[first] == '[' || text[first] == '{')) return parseJson(text, source);
  return parseItkSnap(text, source);
}

std::vector<LabelInfo> readLabelDescription(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::Error(path, "cannot open the label names file");
  std::ostringstream text;
  text << in.rdbuf();
  return parseLabelDescription(text.str(), path);
}

std::string findLabelDescription(const std::string& maskPath) {
  const fs::path mask(maskPath);
  std::error_code ec;
  if (fs::is_directory(mask, ec)) return {};
  const fs::path dir = mask.parent_path();
  const std::string stem = stemOf(mask);
  for (const std::string& name : {stem + ".json", stem + ".txt", stem + "_labels.json", stem + "_labels.txt",
                                  std::string("labels.json"), std::string("labels.txt")}) {
    const fs::path candidate = dir / name;
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  }
  return {};
}

std::vector<LabelInfo> labelsForMask(const std::string& maskPath, const std::string& labelsFile) {
  const std::string file = labelsFile.empty() ? findLabelDescription(maskPath) : labelsFile;
  if (file.empty()) return {};
  return readLabelDescription(file);
}

}  // namespace aunet::model
