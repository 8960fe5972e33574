#include "gui/ViewerDocument.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>

#include "io/DicomObjectReader.h"
#include "io/ImageReader.h"
#include "imaging/ImageResampler.h"
#include "core/Error.h"

namespace aunet::gui {

namespace {

int64_t nonZero(const core::LabelMap& labels) {
  return static_cast<int64_t>(labels.labels().size()) - labels.count(0);
}

}  // namespace

ViewerDocument::ViewerDocument(QObject* parent) : QObject(parent) { refreshPalette(); }

core::Volume ViewerDocument::readImage(const std::string& path, const std::string& dicomSeriesUid) {
  io::ReadOptions options;
  options.dicomSeriesUid = dicomSeriesUid;
  // A viewer should show an uneven series (with the reader's warning) rather than refuse it.
  options.allowUnevenSlices = true;
  core::Volume image = io::readImage(path, options);
  if (image.channels() < 1 || image.empty()) throw core::Error(path, "image holds no voxels");
  return image;
}

void ViewerDocument::setImage(core::Volume image, const std::string& path) {
  image_ = std::make_shared<const core::Volume>(std::move(image));
  imagePath_ = path;
  labels_.reset();
  labelsPath_.clear();
  reference_.reset();
  attention_.clear();
  attentionLevels_.clear();
  refreshPalette();
  Q_EMIT imageChanged();
  Q_EMIT labelsChanged();
  Q_EMIT attentionChanged();
}

void ViewerDocument::requireImage(const std::string& path, const char* what) const {
  if (!image_) throw core::Error(path, std::string("open an image before its ") + what);
}

core::LabelMap ViewerDocument::readLabelsOnGrid(const std::string& path, const core::Geometry& target,
                                                std::vector<std::string>* notes,
                                                std::vector<model::LabelInfo>* names) {
  core::LabelMap labels;
  if (!io::findDicomLabelObject(path).empty()) {
    io::DicomLabelObject object = io::readDicomLabelObject(path);
    if (names) {
      names->clear();
      names->push_back({0, "background", {0, 0, 0}});
      for (const auto& s : object.segments) names->push_back({s.label, s.name, s.color});
    }
    if (notes)
      for (const auto& w : object.warnings) notes->push_back(path + ": " + w);
    labels = std::move(object.labels);
  } else {
    labels = io::readLabelMap(path);
  }
  if (labels.geometry().sameGrid(target)) {
    // Tiny header rounding differences: adopt the image grid exactly.
    labels.geometry() = target;
    return labels;
  }
  const int64_t before = nonZero(labels);
  core::LabelMap moved = imaging::resample(labels, target);
  if (before > 0 && nonZero(moved) == 0)
    throw core::Error(path, "mask does not overlap the image (" + labels.geometry().describe() + " vs image " +
                                target.describe() + ")");
  if (notes) notes->push_back(path + ": mask grid differs from the image; resampled through physical space");
  return moved;
}

core::Volume ViewerDocument::readAttentionOnGrid(const std::string& path, const core::Geometry& target,
                                                 std::vector<std::string>* notes) {
  core::Volume map = io::readImage(path);
  if (map.channels() != 1) throw core::Error(path, "attention map must have one channel");
  if (!map.geometry().sameGrid(target)) {
    map = imaging::resample(map, target, imaging::Interpolation::Linear);
    if (notes) notes->push_back(path + ": attention grid differs from the image; resampled through physical space");
  }
  map.geometry() = target;
  // Attention is a gate coefficient in [0, 1]; a file outside that range is not one.
  const auto [mn, mx] = std::minmax_element(map.voxels().begin(), map.voxels().end());
  if (*mn < -1e-3f || *mx > 1.0f + 1e-3f)
    throw core::Error(path, "attention values must lie in [0, 1] (found " + std::to_string(*mn) + " to " +
                                std::to_string(*mx) + ")");
  return map;
}

int64_t ViewerDocument::attentionLevelFor(const std::string& path, const std::vector<int64_t>& levels) {
  // "attention_level2.nii.gz" (as the pipeline and the viewer save them) is level 2.
  const std::regex levelName(R"(level[_-]?(\d+))", std::regex::icase);
  std::smatch match;
  const std::string name = std::filesystem::path(path).filename().string();
  if (std::regex_search(name, match, levelName)) return std::stoll(match[1].str());
  return levels.empty() ? 0 : *std::max_element(levels.begin(), levels.end()) + 1;
}

void ViewerDocument::addAttention(core::Volume map, int64_t level) {
  if (!image_ || !map.geometry().sameGrid(image_->geometry()))
    throw core::Error(map.metadata().sourcePath, "attention map is not on the image grid");
  std::vector<core::Volume> maps = attention_;
  std::vector<int64_t> levels = attentionLevels_;
  levels.push_back(level);
  maps.push_back(std::move(map));
  setAttention(std::move(maps), std::move(levels));
}

void ViewerDocument::setLabels(core::LabelMap labels, const std::string& path) {
  setSharedLabels(std::make_shared<const core::LabelMap>(std::move(labels)), path);
}

void ViewerDocument::setSharedLabels(std::shared_ptr<const core::LabelMap> labels, const std::string& path) {
  labels_ = std::move(labels);
  labelsPath_ = path;
  refreshPalette();
  Q_EMIT labelsChanged();
}

void ViewerDocument::setReference(core::LabelMap labels, const std::string& path) {
  (void)path;
  reference_ = std::make_shared<const core::LabelMap>(std::move(labels));
  refreshPalette();
  Q_EMIT labelsChanged();
}

void ViewerDocument::setAttention(std::vector<core::Volume> maps, std::vector<int64_t> levels) {
  if (levels.size() != maps.size()) {
    levels.resize(maps.size());
    for (size_t i = 0; i < levels.size(); ++i) levels[i] = static_cast<int64_t>(i);
  }
  attention_ = std::move(maps);
  attentionLevels_ = std::move(levels);
  Q_EMIT attentionChanged();
}

void ViewerDocument::setPalette(std::vector<model::LabelInfo> palette) {
  modelPalette_ = std::move(palette);
  refreshPalette();
  Q_EMIT labelsChanged();
}

void ViewerDocument::setLabelInfo(const model::LabelInfo& info) {
  auto it = std::find_if(modelPalette_.begin(), modelPalette_.end(), [&info](const auto& l) { return l.value == info.value; });
  if (it == modelPalette_.end())
    modelPalette_.push_back(info);
  else
    *it = info;
  refreshPalette();
  Q_EMIT labelsChanged();
}

void ViewerDocument::removeLabelInfo(int value) {
  modelPalette_.erase(std::remove_if(modelPalette_.begin(), modelPalette_.end(),
                                     [value](const auto& l) { return l.value == value; }),
                      modelPalette_.end());
  refreshPalette();
  Q_EMIT labelsChanged();
}

void ViewerDocument::notifyLabelsEdited(const imaging::LabelDelta& delta, bool reverted) {
  if (delta.empty() || !labels_) return;
  const core::Geometry& g = labels_->geometry();
  core::Index3 lo{g.size[0], g.size[1], g.size[2]}, hi{-1, -1, -1};
  for (int64_t o : delta.offsets()) {
    const core::Index3 v{o % g.size[0], (o / g.size[0]) % g.size[1], o / (g.size[0] * g.size[1])};
    for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], v[a]), hi[a] = std::max(hi[a], v[a]);
  }
  // A label value painted for the first time needs a palette entry (colour, name).
  if (!reverted)
    for (uint16_t value : delta.after())
      if (value != 0 && std::none_of(palette_.begin(), palette_.end(), [value](const auto& l) { return l.value == value; })) {
        refreshPalette();
        break;
      }
  Q_EMIT labelsEdited(&delta, reverted, lo, hi);
}

void ViewerDocument::refreshPalette() {
  // Model labels first; any label value present in a mask but unknown to the model
  // gets a default colour so it is never invisible or nameless.
  int maxLabel = 0;
  if (labels_) maxLabel = std::max<int>(maxLabel, labels_->maxLabel());
  if (reference_) maxLabel = std::max<int>(maxLabel, reference_->maxLabel());
  for (const auto& l : modelPalette_) maxLabel = std::max(maxLabel, l.value);
  const auto defaults = model::LabelInfo::defaults(maxLabel + 1);
  palette_ = modelPalette_;
  for (const auto& d : defaults) {
    const bool known = std::any_of(palette_.begin(), palette_.end(), [&d](const auto& l) { return l.value == d.value; });
    if (!known) palette_.push_back(d);
  }
  std::sort(palette_.begin(), palette_.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
}

std::string ViewerDocument::labelName(int value) const {
  for (const auto& l : palette_)
    if (l.value == value) return l.name;
  return "label " + std::to_string(value);
}

}  // namespace aunet::gui
