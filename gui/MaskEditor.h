#pragma once
// The segmentation editor's logic without widgets (ITK-SNAP's paint tools, Slicer's
// Segment Editor effects): the active tool, label, brush and paint-over rule, and the
// edits themselves, each one undo-able entry of the viewer's EditHistory stored as the
// voxels it changed. The slice views' mouse (EditInteraction), the tool panel
// (EditToolPanel), tests and the fine-tuning workflow drive the same calls:
//
//   MaskEditor& e = controller.editor();
//   e.setTool(EditTool::Brush); e.setActiveLabel(2); e.setBrushDiameterMm(8);
//   e.beginStroke(ViewAxis::Axial, {10, 20, 30}); e.continueStroke({40, 20, 30}); e.endStroke();
//   e.floodFill(ViewAxis::Axial, {25, 25, 30}); e.interpolate(ViewAxis::Axial);
//   controller.history().undo();
//
// Voxels are image indices (i, j, k). Without a mask the first edit creates an empty
// one on the image grid (its own undo entry).

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "core/Geometry.h"
#include "gui/SliceGeometry.h"
#include "imaging/BrushFootprint.h"
#include "imaging/LabelDelta.h"
#include "imaging/PaintRule.h"
#include "model/api/LabelInfo.h"

namespace aunet::gui {

class EditHistory;
class ViewerDocument;
class ViewState;

enum class EditTool { Navigate, Brush, Eraser, FloodFill, RemoveIsland, KeepIsland };

const char* editToolName(EditTool tool);

class MaskEditor {
 public:
  static constexpr double kMinBrushMm = 0.5, kMaxBrushMm = 200.0;

  MaskEditor(ViewerDocument& document, EditHistory& history, ViewState& state);

  const ViewerDocument& document() const { return document_; }
  EditTool tool() const { return tool_; }
  void setTool(EditTool tool);
  uint16_t activeLabel() const { return activeLabel_; }
  void setActiveLabel(uint16_t label);  // 1..65535 (0 is background: the eraser)
  double brushDiameterMm() const { return brushMm_; }
  void setBrushDiameterMm(double mm);  // clamped to [kMinBrushMm, kMaxBrushMm]
  // [ and ]: one step smaller/larger (about 20% a step, at least one in-plane voxel).
  void stepBrushSize(int steps);
  bool brush3D() const { return brush3D_; }
  void setBrush3D(bool sphere) { brush3D_ = sphere; }
  const imaging::PaintRule& paintRule() const { return rule_; }
  void setPaintOver(imaging::PaintOver over, uint16_t label = 0);
  // Threshold-limited painting: only voxels of the shown channel with intensity in [low, high].
  void setThreshold(bool enabled, double low = 0.0, double high = 0.0);

  // The brush (or eraser) footprint for a stroke in `view`: a disc in its slice plane,
  // or a sphere in 3D mode.
  imaging::BrushFootprint footprint(ViewAxis view) const;

  // A brush or eraser stroke (by the current tool; Navigate/other tools paint with the
  // brush). Each call paints at once; endStroke() makes the whole stroke one undo entry.
  // false when there is no image or `voxel` lies outside it.
  bool beginStroke(ViewAxis view, const core::Index3& voxel);
  void continueStroke(const core::Index3& voxel);
  void endStroke();
  bool strokeActive() const { return stroke_.has_value(); }

  // One click of the other tools; each is one undo entry. Voxels changed.
  int64_t floodFill(ViewAxis view, const core::Index3& voxel);
  int64_t removeIsland(const core::Index3& voxel);
  int64_t keepIsland(const core::Index3& voxel);
  // Runs the current tool at a click (fill or islands); 0 for brush/eraser/navigate.
  int64_t click(ViewAxis view, const core::Index3& voxel);
  // Fills the slices of `view` between the slices that hold the active label.
  int64_t interpolate(ViewAxis view);

  // Labels: add (the next free value, or `value`), rename, recolour; deleting erases the
  // label's voxels (one undo entry) and forgets its name. Return false for label 0 or
  // an unknown label.
  uint16_t addLabel(const std::string& name, std::array<uint8_t, 3> color, uint16_t value = 0);
  bool renameLabel(uint16_t value, const std::string& name);
  bool recolourLabel(uint16_t value, std::array<uint8_t, 3> color);
  int64_t deleteLabel(uint16_t value);

 private:
  struct Stroke {
    ViewAxis view;
    imaging::BrushFootprint footprint;
    uint16_t value;
    core::Index3 last;
    imaging::LabelDelta delta;
  };
  // The document's mask, created empty on the image grid (one undo entry) when absent.
  core::LabelMap* ensureMask();
  const float* intensity() const;  // the shown channel, for threshold painting
  bool inside(const core::Index3& voxel) const;
  int64_t commit(imaging::LabelDelta delta, const std::string& what);
  model::LabelInfo infoOf(uint16_t value) const;

  ViewerDocument& document_;
  EditHistory& history_;
  ViewState& state_;
  EditTool tool_ = EditTool::Navigate;
  uint16_t activeLabel_ = 1;
  double brushMm_ = 5.0;
  bool brush3D_ = false;
  imaging::PaintRule rule_;
  std::optional<Stroke> stroke_;
};

}  // namespace aunet::gui
