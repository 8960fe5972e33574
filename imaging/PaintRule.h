#pragma once
// Which voxels an edit may change (ITK-SNAP's "paint over" and Slicer's masking):
// every label, only background, or only one label; optionally only voxels whose image
// intensity lies inside [low, high] (threshold-limited painting).

#include <cstdint>

namespace aunet::imaging {

enum class PaintOver { All, Background, OneLabel };

struct PaintRule {
  PaintOver over = PaintOver::All;
  uint16_t overLabel = 0;  // for PaintOver::OneLabel
  bool threshold = false;
  double low = 0.0, high = 0.0;

  bool allowsLabel(uint16_t current) const {
    switch (over) {
      case PaintOver::All: return true;
      case PaintOver::Background: return current == 0;
      case PaintOver::OneLabel: return current == overLabel;
    }
    return true;
  }
  bool allowsIntensity(double value) const { return !threshold || (value >= low && value <= high); }
};

}  // namespace aunet::imaging
