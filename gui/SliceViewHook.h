#pragma once
// Something that draws on a slice view and may take its mouse and keys first (the
// measurement tools; editing tools can be added the same way without touching the
// view). A handler returns true when it consumed the event.

class QKeyEvent;
class QMouseEvent;
class QPainter;

namespace aunet::gui {

class SliceView;

class SliceViewHook {
 public:
  virtual ~SliceViewHook() = default;
  virtual bool mousePress(SliceView&, QMouseEvent*) { return false; }
  virtual bool mouseMove(SliceView&, QMouseEvent*) { return false; }
  virtual bool mouseRelease(SliceView&, QMouseEvent*) { return false; }
  virtual bool keyPress(SliceView&, QKeyEvent*) { return false; }
  // After the slice, overlays and crosshair; before the text.
  virtual void paint(SliceView&, QPainter&) {}
};

}  // namespace aunet::gui
