#pragma once
// How overlays are drawn, shared by the three views and edited by the overlay panel.

#include "gui/SliceRenderer.h"

namespace aunet::gui {

struct OverlaySettings {
  bool labelsVisible = true;
  LabelOverlayStyle labels;        // opacity, filled/outline, hidden label values
  bool referenceVisible = true;    // reference mask, always as outlines
  int attentionIndex = -1;         // index into ViewerDocument::attention(); -1: none shown
  // Gate coefficients are rarely far below 0.5 away from the target; a low threshold
  // would paint the whole slice.
  HeatOverlayStyle heat{0.5, 0.5};
  bool crosshair = true;
};

}  // namespace aunet::gui
