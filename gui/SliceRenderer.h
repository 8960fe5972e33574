#pragma once
// Draws one slice of a volume as the viewer shows it: grey values through a
// window/level, then the label map (filled or outlined, per-label colours) and an
// attention map (heat colours above a threshold) blended on top. Pure QImage work, so
// it runs headless and in benchmarks.

#include <QImage>

#include <vector>

#include "gui/SliceGeometry.h"
#include "core/LabelMap.h"
#include "core/Volume.h"
#include "model/api/LabelInfo.h"

namespace aunet::gui {

struct WindowLevel {
  double center = 0.0;
  double width = 1.0;
};

struct LabelOverlayStyle {
  double opacity = 0.5;
  bool outline = false;                 // draw borders only
  std::vector<int> hidden;              // label values not drawn
};

struct HeatOverlayStyle {
  double opacity = 0.6;
  double threshold = 0.1;               // attention values below are not drawn
};

class SliceRenderer {
 public:
  // Grey RGB32 image (width x height of the slice geometry) of channel `channel`.
  static QImage renderImage(const core::Volume& volume, const SliceGeometry& slice, int64_t index,
                            const WindowLevel& window, int channel = 0);
  // Blends the labels of slice `index` into `image` (same grid as the image volume).
  static void overlayLabels(QImage& image, const core::LabelMap& labels, const SliceGeometry& slice, int64_t index,
                            const std::vector<model::LabelInfo>& palette, const LabelOverlayStyle& style);
  // Blends an attention map (values in [0, 1], same grid) as heat colours.
  static void overlayHeat(QImage& image, const core::Volume& heat, const SliceGeometry& slice, int64_t index,
                          const HeatOverlayStyle& style);
  // The colour of the heat map for a value in [0, 1] (black-red-yellow-white).
  static QRgb heatColor(double value);
};

}  // namespace aunet::gui
