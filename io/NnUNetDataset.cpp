#include "io/NnUNetDataset.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "io/TextFileWriter.h"
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

  if (j.contains("aunet_source_model")) {
    const auto& source = j["aunet_source_model"];
    if (!source.is_object() || !source.value("path", nlohmann::json()).is_string())
      throw core::Error(where, "'aunet_source_model' must be {\"path\": ..., \"created\": ...}");
    d.sourceModel = source["path"].get<std::string>();
    if (source.contains("created") && source["created"].is_string()) d.sourceModelCreated = source["created"].get<std::string>();
  }

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

core::Volume readChannelFiles(const std::vector<std::string>& paths) {
  std::vector<core::Volume> channels;
  for (const auto& path : paths) {
    channels.push_back(readImage(path));
    if (channels.back().channels() != 1)
      throw core::Error(path, "has " + std::to_string(channels.back().channels()) +
                                  " channels; one file per channel holds one");
  }
  if (channels.empty()) throw core::Error("image", "no channel files");
  if (channels.size() == 1) return std::move(channels[0]);
  core::Volume image(channels[0].geometry(), static_cast<int>(channels.size()), channels[0].originalType());
  const int64_t n = image.geometry().voxelCount();
  for (size_t k = 0; k < channels.size(); ++k) {
    if (!channels[k].geometry().sameGrid(image.geometry()))
      throw core::Error(paths[k], "grid differs from channel 0 (" + paths[0] + "): " + channels[k].geometry().describe() +
                                      " vs " + image.geometry().describe());
    std::copy(channels[k].data(), channels[k].data() + n, image.channel(static_cast<int>(k)));
  }
  image.metadata() = channels[0].metadata();
  return image;
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
  for (size_t k = 0; k < c.imagePaths.size(); ++k)
    if (c.imagePaths[k].empty()) throw core::Error(c.id, "case lacks channel " + std::to_string(k));
  return readChannelFiles(c.imagePaths);
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

NnUNetDataset NnUNetDataset::create(const std::string& folder, const std::vector<std::string>& channelNames,
                                    const std::vector<std::pair<std::string, int>>& labels,
                                    const std::string& sourceModel, const std::string& sourceModelCreated) {
  const fs::path root(folder);
  const std::string jsonPath = (root / "dataset.json").string();
  std::error_code ec;
  if (fs::exists(jsonPath, ec)) throw core::Error(jsonPath, "already exists; add cases with `aunet dataset add`");
  if (fs::exists(root, ec) && !fs::is_directory(root, ec)) throw core::Error(folder, "exists and is not a folder");
  if (channelNames.empty()) throw core::Error(folder, "a dataset needs at least one channel");
  NnUNetDataset d;
  d.root = folder;
  d.name = root.lexically_normal().filename().string();
  if (d.name.empty()) d.name = fs::absolute(root).lexically_normal().parent_path().filename().string();
  d.channelNames = channelNames;
  d.labels = labels;
  std::sort(d.labels.begin(), d.labels.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  if (d.labels.empty() || d.labels.front().second != 0) throw core::Error(folder, "the labels must include background 0");
  for (size_t i = 1; i < d.labels.size(); ++i)
    if (d.labels[i].second == d.labels[i - 1].second)
      throw core::Error(folder, "labels '" + d.labels[i - 1].first + "' and '" + d.labels[i].first + "' share a value");
  d.fileEnding = ".nii.gz";
  d.sourceModel = sourceModel;
  d.sourceModelCreated = sourceModelCreated;
  for (const char* sub : {"imagesTr", "labelsTr"}) {
    fs::create_directories(root / sub, ec);
    if (ec) throw core::Error((root / sub).string(), "cannot create the folder: " + ec.message());
  }
  d.save();
  return d;
}

void NnUNetDataset::save() const {
  const std::string jsonPath = (fs::path(root) / "dataset.json").string();
  nlohmann::json j = nlohmann::json::object();
  if (std::ifstream in(jsonPath); in) {
    j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) throw core::Error(jsonPath, "invalid JSON; not overwriting it");
  }
  j.erase("modality");  // nnU-Net v1's name for channel_names
  j["name"] = name;
  nlohmann::json channels = nlohmann::json::object();
  for (size_t c = 0; c < channelNames.size(); ++c) channels[std::to_string(c)] = channelNames[c];
  j["channel_names"] = channels;
  // nlohmann's objects keep keys sorted by name; nnU-Net reads them by name too.
  nlohmann::json labelsJson = nlohmann::json::object();
  for (const auto& [labelName, value] : labels) labelsJson[labelName] = value;
  j["labels"] = labelsJson;
  j["numTraining"] = numTraining;
  j["file_ending"] = fileEnding;
  if (!sourceModel.empty()) j["aunet_source_model"] = {{"path", sourceModel}, {"created", sourceModelCreated}};
  writeTextFile(jsonPath, j.dump(2) + "\n");
}

std::string NnUNetDataset::addCase(const core::Volume& image, const core::LabelMap& mask, const std::string& caseName,
                                   const std::string& imageSource, const std::string& maskSource) {
  const std::string jsonPath = (fs::path(root) / "dataset.json").string();
  if (channelsInOneFile)
    throw core::Error(root, "holds 4D (Decathlon) image files; cases can only be added to one-file-per-channel datasets");
  if (image.empty()) throw core::Error(imageSource, "no image");
  if (image.channels() != static_cast<int>(channelNames.size()))
    throw core::Error(imageSource, "has " + std::to_string(image.channels()) + " channel(s), but " + jsonPath +
                                       " names " + std::to_string(channelNames.size()) +
                                       " (give one --image per channel, in channel order)");
  if (!mask.geometry().sameGrid(image.geometry()))
    throw core::Error(maskSource, "grid differs from the image " + imageSource + ": " + mask.geometry().describe() +
                                      " vs " + image.geometry().describe());
  std::set<int> declared;
  for (int v : labelValues()) declared.insert(v);
  std::vector<bool> present(65536, false);
  for (uint16_t v : mask.labels()) present[v] = true;
  for (int v = 0; v < 65536; ++v)
    if (present[static_cast<size_t>(v)] && !declared.count(v))
      throw core::Error(maskSource, "holds label value " + std::to_string(v) + ", which " + jsonPath +
                                        " does not declare (it knows " + [&] {
                                          std::string known;
                                          for (const auto& [n, value] : labels)
                                            known += (known.empty() ? "" : ", ") + std::to_string(value) + "=" + n;
                                          return known;
                                        }() + ")");

  // The case name: given (checked), or the next free case_NNN.
  std::set<std::string> taken;
  for (const auto& c : training) taken.insert(c.id);
  std::string id = caseName;
  if (id.empty()) {
    for (int n = static_cast<int>(training.size()) + 1;; ++n) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "case_%03d", n);
      if (!taken.count(buffer)) {
        id = buffer;
        break;
      }
    }
  } else {
    static const std::regex valid("[A-Za-z0-9][A-Za-z0-9_.-]*");
    if (!std::regex_match(id, valid) || id.size() > 200)
      throw core::Error(id, "invalid case name (--case): letters, digits, '_', '-' and '.' only, starting with a letter or digit");
    if (taken.count(id)) throw core::Error(id, "case already exists in " + root + "; cases are never overwritten");
  }
  const fs::path imagesTr = fs::path(root) / "imagesTr", labelsTr = fs::path(root) / "labelsTr";
  std::vector<std::string> targets;
  for (size_t c = 0; c < channelNames.size(); ++c) {
    char suffix[8];
    std::snprintf(suffix, sizeof suffix, "_%04zu", c);
    targets.push_back((imagesTr / (id + suffix + fileEnding)).string());
  }
  targets.push_back((labelsTr / (id + fileEnding)).string());
  std::error_code ec;
  for (const auto& t : targets)
    if (fs::exists(t, ec)) throw core::Error(t, "already exists; cases are never overwritten");
  for (const fs::path& folder : {imagesTr, labelsTr}) {
    fs::create_directories(folder, ec);
    if (ec) throw core::Error(folder.string(), "cannot create the folder: " + ec.message());
  }

  // Each file atomically; if one fails, the ones already written go again, so the
  // dataset never holds half a case.
  std::vector<std::string> written;
  try {
    const int64_t n = image.geometry().voxelCount();
    for (int c = 0; c < image.channels(); ++c) {
      core::Volume channel(image.geometry(), 1, image.originalType());
      std::copy(image.channel(c), image.channel(c) + n, channel.data());
      channel.metadata() = image.metadata();
      writeImage(channel, targets[static_cast<size_t>(c)]);
      written.push_back(targets[static_cast<size_t>(c)]);
    }
    writeLabelMap(mask, targets.back());
    written.push_back(targets.back());
    NnUNetDataset updated = *this;
    updated.numTraining = static_cast<int>(training.size()) + 1;  // the cases there, this one included
    updated.save();
  } catch (...) {
    for (const auto& w : written) fs::remove(w, ec);
    throw;
  }
  numTraining = static_cast<int>(training.size()) + 1;
  NnUNetCase added;
  added.id = id;
  added.imagePaths.assign(targets.begin(), targets.end() - 1);
  added.labelPath = targets.back();
  training.insert(std::upper_bound(training.begin(), training.end(), added,
                                   [](const NnUNetCase& a, const NnUNetCase& b) { return a.id < b.id; }),
                  added);
  return id;
}

}  // namespace aunet::io
