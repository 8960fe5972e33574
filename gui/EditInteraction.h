#pragma once
// The mask editor on the slice views' mouse: with the brush or eraser, a left drag is
// one stroke (one undo entry) and the pointer shows the brush footprint; with fill or
// islands, a left click runs the tool. Other buttons keep the view's own behaviour
// (pan, window), and so does everything in the Navigate tool. Added to each view after
// the measurement tools, so a measurement under the pointer is offered the click first.

#include <QPointF>
#include <QPointer>

#include "gui/SliceViewHook.h"

namespace aunet::gui {

class MaskEditor;
class ViewState;

class EditInteraction final : public SliceViewHook {
 public:
  EditInteraction(MaskEditor& editor, const ViewState& state) : editor_(editor), state_(state) {}

  bool press(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) override;
  bool move(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) override;
  bool release(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) override;
  void leave(SliceView& view) override;
  // The brush footprint, over the view's text.
  void paintOver(SliceView& view, QPainter& painter) override;
  // A pan or window drag stays one; the brush follows the pointer again after it.
  bool yieldsToViewDrag() const override { return true; }

 private:
  bool paints() const;  // brush or eraser

  MaskEditor& editor_;
  const ViewState& state_;
  QPointer<SliceView> hoverView_;
  QPointF hover_;
};

}  // namespace aunet::gui
