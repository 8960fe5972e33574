#pragma once
// A mouse tool that can take over a slice view's left button (the mask editor's brush,
// later measurement tools): the view offers it each event first and keeps its own
// behaviour (crosshair, pan, window) for what the tool declines. It may draw on top of
// the slice (a brush outline).

#include "core/Geometry.h"
#include "gui/SliceGeometry.h"

class QMouseEvent;
class QPainter;

namespace aunet::gui {

class SliceView;

class SliceInteraction {
 public:
  virtual ~SliceInteraction() = default;
  // `inside`: the pointer lies on the image, over `voxel`. True: the event is taken.
  virtual bool press(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) = 0;
  virtual bool move(SliceView& view, QMouseEvent* event, bool inside, const core::Index3& voxel) = 0;
  virtual bool release(SliceView& view, QMouseEvent* event) = 0;
  virtual void leave(SliceView& view) = 0;
  virtual void paint(SliceView& view, QPainter& painter) = 0;
};

}  // namespace aunet::gui
