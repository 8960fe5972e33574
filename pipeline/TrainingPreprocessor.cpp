#include "pipeline/TrainingPreprocessor.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include "pipeline/PlanNormalization.h"
#include "imaging/ForegroundCrop.h"
#include "io/ImageReader.h"
#include "imaging/ModelSpace.h"
#include "core/Error.h"

namespace aunet::pipeline {

TrainingCase preprocessTrainingCase(const io::NnUNetCase& source, const model::TrainingPlan& plan) {
  TrainingCase out;
  out.id = source.id;
  const auto& pre = plan.preprocessing;
  core::Volume image = io::readCaseImage(source);
  image.metadata().sourcePath = source.imagePaths[0];
  core::LabelMap labels = io::readLabelMap(source.labelPath);
  if (!labels.geometry().sameGrid(image.geometry()))
    throw core::Error(source.labelPath, "label grid differs from the image");

  // The grid segmentation uses (imaging/ModelSpace.h), restricted to the box that
  // holds the image's non-zero voxels (nnU-Net's crop: only zeros are left out, so
  // the z-score's non-zero statistics are those of the whole image).
  const imaging::ModelSpace space(image.geometry(), imaging::ModelGridPlan::of(pre, plan.spatial_dims));
  const core::Volume oriented = space.orient(image);
  const core::LabelMap orientedLabels = space.orient(labels);
  const imaging::CropBox box = space.boxOnGrid(imaging::nonZeroBoundingBox(oriented));
  image = space.toModel(oriented, box);
  labels = space.toModel(orientedLabels, box);
  applyPlanNormalization(image, pre.normalization, source.imagePaths[0]);
  out.image = std::move(image);
  out.labels = std::move(labels);
  return out;
}

FoldSplit splitFold(size_t cases, const std::string& fold, uint64_t seed) {
  constexpr int kFolds = 5;
  FoldSplit split;
  std::vector<size_t> order(cases);
  std::iota(order.begin(), order.end(), size_t{0});
  if (fold == "all") {
    split.train = split.validation = order;
    return split;
  }
  int k = -1;
  try {
    size_t used = 0;
    k = std::stoi(fold, &used);
    if (used != fold.size()) k = -1;
  } catch (const std::exception&) {
  }
  if (k < 0 || k >= kFolds) throw core::Error("--fold " + fold, "expected 0..4 or \"all\"");
  std::mt19937_64 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  for (size_t i = 0; i < order.size(); ++i)
    (static_cast<int>(i % kFolds) == k ? split.validation : split.train).push_back(order[i]);
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.validation.begin(), split.validation.end());
  if (split.validation.empty() || split.train.empty()) {
    std::sort(order.begin(), order.end());
    split.train = split.validation = order;
  }
  return split;
}

FoldSplit splitFromFile(const std::string& path, const std::string& fold, const std::vector<std::string>& ids) {
  std::ifstream in(path);
  if (!in) throw core::Error(path, "cannot open the split file");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    std::string reason = e.what();
    throw core::Error(path, "invalid JSON: " + reason.substr(0, reason.find('\n')));
  }
  if (!j.is_array() || j.empty()) throw core::Error(path, "a split file is a non-empty list of {\"train\": [...], \"val\": [...]}");
  size_t k = 0;
  try {
    size_t used = 0;
    k = std::stoul(fold, &used);
    if (used != fold.size()) throw std::invalid_argument(fold);
  } catch (const std::exception&) {
    throw core::Error(path, "--fold " + fold + " must be a fold number with a split file");
  }
  if (k >= j.size())
    throw core::Error(path, "has " + std::to_string(j.size()) + " folds; --fold " + fold + " does not exist");
  FoldSplit split;
  auto indices = [&](const char* key, std::vector<size_t>& out) {
    const auto& entry = j[k];
    if (!entry.is_object() || !entry.contains(key) || !entry.at(key).is_array())
      throw core::Error(path, "fold " + fold + " needs a list \"" + key + "\"");
    for (const auto& id : entry.at(key)) {
      if (!id.is_string()) throw core::Error(path, std::string("fold ") + fold + ": \"" + key + "\" holds a non-string");
      const auto it = std::find(ids.begin(), ids.end(), id.get<std::string>());
      if (it == ids.end()) throw core::Error(path, "fold " + fold + ": unknown case '" + id.get<std::string>() + "'");
      out.push_back(static_cast<size_t>(it - ids.begin()));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  };
  indices("train", split.train);
  indices("val", split.validation);
  if (split.train.empty()) throw core::Error(path, "fold " + fold + " has no training case");
  return split;
}

}  // namespace aunet::pipeline
