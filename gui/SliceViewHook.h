#pragma once
// A tool on a slice view's mouse and keys (the measurement tools, the mask editor's
// brush): the view offers each event to its hooks in the order they were added, the
// first that returns true takes it, and the view's own behaviour (crosshair, pan,
// window) applies to what none takes. One interface, so a new tool needs no new
// plumbing in SliceView.

#include "core/Geometry.h"

class QKeyEvent;
class QMouseEvent;
class QPainter;

namespace aunet::gui {

class SliceView;

class SliceViewHook {
 public:
  virtual ~SliceViewHook() = default;
  // `inside`: the pointer lies on the image, over `voxel` (computed once by the view).
  virtual bool press(SliceView&, QMouseEvent*, bool /*inside*/, const core::Index3& /*voxel*/) { return false; }
  virtual bool move(SliceView&, QMouseEvent*, bool /*inside*/, const core::Index3& /*voxel*/) { return false; }
  virtual bool release(SliceView&, QMouseEvent*, bool /*inside*/, const core::Index3& /*voxel*/) { return false; }
  virtual bool keyPress(SliceView&, QKeyEvent*) { return false; }
  virtual void leave(SliceView&) {}
  // Under the text: after the slice, overlays and crosshair (figures on the image).
  virtual void paint(SliceView&, QPainter&) {}
  // Over the text, under the focus frame (the pointer's footprint stays visible).
  virtual void paintOver(SliceView&, QPainter&) {}
  // True: not offered move or release while a drag of the view's own (pan, window,
  // crosshair) is in progress, so such a drag is not turned into an edit half-way.
  virtual bool yieldsToViewDrag() const { return false; }
};

}  // namespace aunet::gui
