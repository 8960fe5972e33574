#include "gui/MaskEditor.h"

#include <algorithm>
#include <cmath>

#include "gui/EditHistory.h"
#include "gui/MaskDeltaCommand.h"
#include "gui/ViewState.h"
#include "gui/ViewerDocument.h"
#include "imaging/IslandPick.h"
#include "imaging/MaskPainting.h"
#include "imaging/SliceFloodFill.h"
#include "imaging/SliceInterpolation.h"

namespace aunet::gui {

const char* editToolName(EditTool tool) {
  switch (tool) {
    case EditTool::Navigate: return "Navigate";
    case EditTool::Brush: return "Brush";
    case EditTool::Eraser: return "Eraser";
    case EditTool::FloodFill: return "Fill";
    case EditTool::RemoveIsland: return "Remove island";
    case EditTool::KeepIsland: return "Keep island";
  }
  return "";
}

MaskEditor::MaskEditor(ViewerDocument& document, EditHistory& history, ViewState& state)
    : document_(document), history_(history), state_(state) {}

void MaskEditor::setTool(EditTool tool) {
  if (stroke_) endStroke();
  tool_ = tool;
}

void MaskEditor::setActiveLabel(uint16_t label) { activeLabel_ = std::max<uint16_t>(1, label); }

void MaskEditor::setBrushDiameterMm(double mm) {
  brushMm_ = std::clamp(std::isfinite(mm) ? mm : 5.0, kMinBrushMm, kMaxBrushMm);
}

void MaskEditor::stepBrushSize(int steps) {
  const core::Vec3& s = state_.geometry().spacing;
  const double voxel = std::min({s[0], s[1], s[2]});
  double mm = brushMm_;
  for (int n = 0; n < std::abs(steps); ++n) mm = steps > 0 ? std::max(mm * 1.2, mm + voxel) : std::min(mm / 1.2, mm - voxel);
  setBrushDiameterMm(mm);
}

void MaskEditor::setPaintOver(imaging::PaintOver over, uint16_t label) {
  rule_.over = over;
  rule_.overLabel = label;
}

void MaskEditor::setThreshold(bool enabled, double low, double high) {
  rule_.threshold = enabled;
  rule_.low = std::min(low, high);
  rule_.high = std::max(low, high);
}

imaging::BrushFootprint MaskEditor::footprint(ViewAxis view) const {
  return imaging::BrushFootprint::round(state_.geometry().spacing, brushMm_,
                                        brush3D_ ? -1 : state_.slice(view).normalAxis);
}

bool MaskEditor::inside(const core::Index3& voxel) const {
  if (!document_.hasImage()) return false;
  const core::Geometry& g = document_.image()->geometry();
  for (int a = 0; a < 3; ++a)
    if (voxel[a] < 0 || voxel[a] >= g.size[a]) return false;
  return true;
}

const float* MaskEditor::intensity() const {
  const auto image = document_.image();
  if (!image) return nullptr;
  return image->channel(std::min(state_.channel(), image->channels() - 1));
}

core::LabelMap* MaskEditor::ensureMask() {
  if (!document_.hasImage()) return nullptr;
  if (!document_.labels()) {
    core::LabelMap empty(document_.image()->geometry());
    history_.execute(std::make_unique<ReplaceMaskCommand>(std::make_shared<const core::LabelMap>(std::move(empty)),
                                                          std::string(), "New mask"));
  }
  return document_.editableLabels();
}

int64_t MaskEditor::commit(imaging::LabelDelta delta, const std::string& what) {
  const auto changed = static_cast<int64_t>(delta.size());
  if (changed == 0) return 0;
  auto command = std::make_unique<MaskDeltaCommand>(std::move(delta), what);
  document_.notifyLabelsEdited(command->delta(), false);
  history_.push(std::move(command));
  return changed;
}

bool MaskEditor::beginStroke(ViewAxis view, const core::Index3& voxel) {
  if (stroke_) endStroke();
  if (!inside(voxel)) return false;
  core::LabelMap* labels = ensureMask();
  if (!labels) return false;
  const uint16_t value = tool_ == EditTool::Eraser ? 0 : activeLabel_;
  stroke_ = Stroke{view, footprint(view), value, voxel, {}};
  imaging::PaintRule rule = rule_;
  // The eraser clears every label, or, with "one label", only that one.
  if (value == 0 && rule.over == imaging::PaintOver::Background) rule.over = imaging::PaintOver::All;
  imaging::LabelDelta dab;
  imaging::paintFootprint(*labels, intensity(), voxel, stroke_->footprint, value, rule, dab);
  // The stroke's delta gathers every dab; views hear of each dab as it lands.
  stroke_->delta.append(dab);
  document_.notifyLabelsEdited(dab, false);
  return true;
}

void MaskEditor::continueStroke(const core::Index3& voxel) {
  if (!stroke_) return;
  core::LabelMap* labels = document_.editableLabels();
  if (!labels) return;
  imaging::PaintRule rule = rule_;
  if (stroke_->value == 0 && rule.over == imaging::PaintOver::Background) rule.over = imaging::PaintOver::All;
  imaging::LabelDelta dab;
  imaging::paintLine(*labels, intensity(), stroke_->last, voxel, stroke_->footprint, stroke_->value, rule, dab, true);
  stroke_->last = voxel;
  if (dab.empty()) return;
  stroke_->delta.append(dab);
  document_.notifyLabelsEdited(dab, false);
}

void MaskEditor::endStroke() {
  if (!stroke_) return;
  Stroke stroke = std::move(*stroke_);
  stroke_.reset();
  if (stroke.delta.empty()) return;
  const std::string what = stroke.value == 0 ? "Erase" : "Paint " + document_.labelName(stroke.value);
  // The legend and the views followed each dab already.
  history_.push(std::make_unique<MaskDeltaCommand>(std::move(stroke.delta), what));
}

int64_t MaskEditor::floodFill(ViewAxis view, const core::Index3& voxel) {
  if (!inside(voxel)) return 0;
  core::LabelMap* labels = ensureMask();
  if (!labels) return 0;
  imaging::LabelDelta delta;
  imaging::floodFillSlice(*labels, intensity(), voxel, state_.slice(view).normalAxis, activeLabel_, rule_, delta);
  return commit(std::move(delta), "Fill with " + document_.labelName(activeLabel_));
}

int64_t MaskEditor::removeIsland(const core::Index3& voxel) {
  core::LabelMap* labels = document_.editableLabels();
  if (!labels || !inside(voxel)) return 0;
  imaging::LabelDelta delta;
  imaging::removeIsland(*labels, voxel, delta);
  return commit(std::move(delta), "Remove island");
}

int64_t MaskEditor::keepIsland(const core::Index3& voxel) {
  core::LabelMap* labels = document_.editableLabels();
  if (!labels || !inside(voxel)) return 0;
  imaging::LabelDelta delta;
  imaging::keepIsland(*labels, voxel, delta);
  return commit(std::move(delta), "Keep island");
}

int64_t MaskEditor::click(ViewAxis view, const core::Index3& voxel) {
  switch (tool_) {
    case EditTool::FloodFill: return floodFill(view, voxel);
    case EditTool::RemoveIsland: return removeIsland(voxel);
    case EditTool::KeepIsland: return keepIsland(voxel);
    default: return 0;
  }
}

int64_t MaskEditor::interpolate(ViewAxis view) {
  core::LabelMap* labels = document_.editableLabels();
  if (!labels) return 0;
  imaging::LabelDelta delta;
  imaging::interpolateBetweenSlices(*labels, activeLabel_, state_.slice(view).normalAxis, rule_, delta);
  return commit(std::move(delta), "Fill between slices");
}

model::LabelInfo MaskEditor::infoOf(uint16_t value) const {
  for (const auto& l : document_.palette())
    if (l.value == value) return l;
  model::LabelInfo info;
  info.value = value;
  info.name = "label " + std::to_string(value);
  const auto defaults = model::LabelInfo::defaults(value + 1);
  info.color = defaults.back().color;
  return info;
}

uint16_t MaskEditor::addLabel(const std::string& name, std::array<uint8_t, 3> color, uint16_t value) {
  if (value == 0) {
    value = 1;
    for (const auto& l : document_.palette()) value = std::max<uint16_t>(value, static_cast<uint16_t>(l.value + 1));
  }
  model::LabelInfo info = infoOf(value);
  info.name = name.empty() ? "label " + std::to_string(value) : name;
  info.color = color;
  document_.setLabelInfo(info);
  activeLabel_ = value;
  return value;
}

bool MaskEditor::renameLabel(uint16_t value, const std::string& name) {
  if (value == 0 || name.empty()) return false;
  model::LabelInfo info = infoOf(value);
  info.name = name;
  document_.setLabelInfo(info);
  return true;
}

bool MaskEditor::recolourLabel(uint16_t value, std::array<uint8_t, 3> color) {
  if (value == 0) return false;
  model::LabelInfo info = infoOf(value);
  info.color = color;
  document_.setLabelInfo(info);
  return true;
}

int64_t MaskEditor::deleteLabel(uint16_t value) {
  if (value == 0) return 0;
  int64_t changed = 0;
  if (core::LabelMap* labels = document_.editableLabels()) {
    imaging::LabelDelta delta;
    const auto n = static_cast<int64_t>(labels->labels().size());
    for (int64_t o = 0; o < n; ++o)
      if (labels->data()[o] == value) delta.set(*labels, o, 0);
    changed = commit(std::move(delta), "Delete " + document_.labelName(value));
  }
  document_.removeLabelInfo(value);
  return changed;
}

}  // namespace aunet::gui
