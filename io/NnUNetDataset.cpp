#include "io/NnUNetDataset.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/ImageReader.h"
#include "core/Error.h"

namespace aunet::io {

namespace fs = std::filesystem;

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Files of `folder` named <id>_<4 digits><ending>: id -> channel -> path.
std::map<std::string, std::map<int, std::string>> channelFiles(const fs::path& folder, const std::string& ending) {
  std::map<std::string, std::map<int, std::string>> out;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return out;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || !endsWith(name, ending)) continue;
    const std::string stem = name.substr(0, name.size() - ending.size());
    if (stem.size() < 6 || stem[stem.size() - 5] != '_') continue;
    const std::string digits = stem.substr(stem.size() - 4);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      continue;
    out[stem.substr(0, stem.size() - 5)][std::stoi(digits)] = entry.path().string();
  }
  return out;
}

std::vector<NnUNetCase> collectCases(const fs::path& imageFolder, const fs::path* labelFolder, const std::string& ending,
                                     int channels) {
  auto images = channelFiles(imageFolder, ending);
  std::map<std::string, std::string> labels;
  std::error_code ec;
  if (labelFolder && fs::is_directory(*labelFolder, ec)) {
    for (const auto& entry : fs::directory_iterator(*labelFolder, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || !endsWith(name, ending)) continue;
      labels[name.substr(0, name.size() - ending.size())] = entry.path().string();
    }
  }
  // The Decathlon's layout: imagesTr/<case><ending> named like its label, or named
  // without a _XXXX channel suffix, is one 4D file holding every channel.
  std::map<std::string, std::string> wholeFiles;
  if (fs::is_directory(imageFolder, ec)) {
    for (const auto& entry : fs::directory_iterator(imageFolder, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || !endsWith(name, ending)) continue;
      const std::string stem = name.substr(0, name.size() - ending.size());
      const bool channelName = stem.size() >= 6 && stem[stem.size() - 5] == '_' &&
                               std::all_of(stem.end() - 4, stem.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
      if (labels.count(stem) || !channelName) {
        wholeFiles[stem] = entry.path().string();
        if (channelName) {  // not a channel file after all
          auto it = images.find(stem.substr(0, stem.size() - 5));
          if (it != images.end()) {
            it->second.erase(std::stoi(stem.substr(stem.size() - 4)));
            if (it->second.empty()) images.erase(it);
          }
        }
      }
    }
  }
  if (!wholeFiles.empty() && !images.empty())
    throw core::Error(imageFolder.string(), "mixes 4D files (" + fs::path(wholeFiles.begin()->second).filename().string() +
                                                ") with one-file-per-channel files (" +
                                                fs::path(images.begin()->second.begin()->second).filename().string() +
                                                "); use one layout");
  std::map<std::string, NnUNetCase> cases;
  for (const auto& [id, files] : images) {
    NnUNetCase& c = cases[id];
    c.id = id;
    c.imagePaths.assign(static_cast<size_t>(channels), "");
    for (const auto& [channel, path] : files)
      if (channel >= 0 && channel < channels) c.imagePaths[static_cast<size_t>(channel)] = path;
  }
  for (const auto& [id, path] : wholeFiles) {
    NnUNetCase& c = cases[id];
    c.id = id;
    c.imagePaths.assign(static_cast<size_t>(channels), path);
    c.channelsInOneFile = true;
  }
  for (const auto& [id, path] : labels) {
    NnUNetCase& c = cases[id];
    if (c.id.empty()) {
      c.id = id;
      c.imagePaths.assign(static_cast<size_t>(channels), "");
    }
    c.labelPath = path;
  }
  std::vector<NnUNetCase> out;
  for (auto& [id, c] : cases) out.push_back(std::move(c));
  return out;
}

}  // namespace

NnUNetDataset NnUNetDataset::load(const std::string& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw core::Error(core::ErrorKind::DatasetNotFound, folder, "dataset folder does not exist");
  const fs::path jsonPath = fs::path(folder) / "dataset.json";
  const std::string where = jsonPath.string();
  std::ifstream in(jsonPath);
  if (!in) throw core::Error(core::ErrorKind::DatasetNotFound, where, "missing or unreadable dataset.json");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    std::string reason = e.what();
    reason = reason.substr(0, reason.find('\n'));
    throw core::Error(where, "invalid JSON: " + reason);
  }
  if (!j.is_object()) throw core::Error(where, "expected a JSON object");

  NnUNetDataset d;
  d.root = folder;
  d.name = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>()
                                                          : fs::path(folder).lexically_normal().filename().string();
  if (d.name.empty()) d.name = fs::absolute(folder).lexically_normal().parent_path().filename().string();

  // nnU-Net v1 called the channels "modality"; v2 "channel_names".
  const char* channelKey = j.contains("channel_names") ? "channel_names" : j.contains("modality") ? "modality" : nullptr;
  if (!channelKey) throw core::Error(where, "missing key 'channel_names'");
  const auto& channels = j[channelKey];
  if (!channels.is_object() || channels.empty())
    throw core::Error(where, std::string("'") + channelKey + "' must be a non-empty object {\"0\": \"CT\", ...}");
  d.channelNames.assign(channels.size(), "");
  for (const auto& [key, value] : channels.items()) {
    size_t used = 0;
    int index = -1;
    try {
      index = std::stoi(key, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != key.size() || index < 0 || index >= static_cast<int>(channels.size()) || !value.is_string())
      throw core::Error(where, std::string("'") + channelKey + "' must map \"0\"..\"" +
                                   std::to_string(channels.size() - 1) + "\" to names, got key '" + key + "'");
    d.channelNames[static_cast<size_t>(index)] = value.get<std::string>();
  }

  if (!j.contains("labels")) throw core::Error(where, "missing key 'labels'");
  if (!j["labels"].is_object() || j["labels"].empty())
    throw core::Error(where, "'labels' must be a non-empty object {\"background\": 0, ...}");
  for (const auto& [name, value] : j["labels"].items()) {
    if (value.is_array())
      throw core::Error(where, "label '" + name + "' is region-based (a list of values); regions are not supported");
    if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > 65535)
      throw core::Error(where, "label '" + name + "' must be an integer in [0, 65535]");
    d.labels.emplace_back(name, value.get<int>());
  }
  std::sort(d.labels.begin(), d.labels.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  if (d.labels.front().second != 0) throw core::Error(where, "'labels' must declare background as 0");
  for (size_t i = 1; i < d.labels.size(); ++i)
    if (d.labels[i].second == d.labels[i - 1].second)
      throw core::Error(where, "labels '" + d.labels[i - 1].first + "' and '" + d.labels[i].first +
                                   "' share the value " + std::to_string(d.labels[i].second));

  if (!j.contains("numTraining")) throw core::Error(where, "missing key 'numTraining'");
  if (!j["numTraining"].is_number_integer() || j["numTraining"].get<int64_t>() < 0)
    throw core::Error(where, "'numTraining' must be a non-negative integer");
  d.numTraining = j["numTraining"].get<int>();

  if (!j.contains("file_ending")) throw core::Error(where, "missing key 'file_ending'");
  if (!j["file_ending"].is_string() || j["file_ending"].get<std::string>().empty() ||
      j["file_ending"].get<std::string>()[0] != '.' ||
      j["file_ending"].get<std::string>().find_first_of("/\\") != std::string::npos)
    throw core::Error(where, "'file_ending' must be an extension such as \".nii.gz\"");
  d.fileEnding = j["file_ending"].get<std::string>();

  const fs::path root(folder);
  const fs::path labelsTr = root / "labelsTr";
  const int n = static_cast<int>(d.channelNames.size());
  d.training = collectCases(root / "imagesTr", &labelsTr, d.fileEnding, n);
  d.test = collectCases(root / "imagesTs", nullptr, d.fileEnding, n);
  for (const auto& c : d.training) d.channelsInOneFile = d.channelsInOneFile || c.channelsInOneFile;
  return d;
}

ReadOptions NnUNetCase::channelReadOptions(size_t c) const {
  ReadOptions options;
  if (channelsInOneFile) options.volumeIndex = static_cast<int>(c);
  return options;
}

core::Volume readCaseImage(const NnUNetCase& c) {
  if (c.imagePaths.empty()) throw core::Error(c.id, "case has no image");
  if (c.channelsInOneFile) {
    core::Volume image = readImage(c.imagePaths[0]);
    if (image.channels() != static_cast<int>(c.imagePaths.size()))
      throw core::Error(c.imagePaths[0], "holds " + std::to_string(image.channels()) +
                                             " volume(s), but dataset.json names " +
                                             std::to_string(c.imagePaths.size()) + " channel(s)");
    return image;
  }
  std::vector<core::Volume> channels;
  for (const auto& path : c.imagePaths) {
    if (path.empty()) throw core::Error(c.id, "case lacks channel " + std::to_string(channels.size()));
    channels.push_back(readImage(path));
    if (channels.back().channels() != 1)
      throw core::Error(path, "has " + std::to_string(channels.back().channels()) +
                                  " channels; one file per channel holds one");
  }
  core::Volume image(channels[0].geometry(), static_cast<int>(channels.size()), channels[0].originalType());
  const int64_t n = image.geometry().voxelCount();
  for (size_t k = 0; k < channels.size(); ++k) {
    if (!channels[k].geometry().sameGrid(image.geometry()))
      throw core::Error(c.imagePaths[k], "grid differs from channel 0");
    std::copy(channels[k].data(), channels[k].data() + n, image.channel(static_cast<int>(k)));
  }
  image.metadata() = channels[0].metadata();
  return image;
}

bool NnUNetDataset::isCtChannel(int c) const {
  if (c < 0 || c >= static_cast<int>(channelNames.size())) return false;
  std::string name = channelNames[static_cast<size_t>(c)];
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return name == "ct";
}

std::vector<int> NnUNetDataset::labelValues() const {
  std::vector<int> values;
  for (const auto& l : labels) values.push_back(l.second);
  return values;
}

}  // namespace aunet::io
