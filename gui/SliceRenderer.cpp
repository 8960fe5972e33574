#include "gui/SliceRenderer.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace aunet::gui {

namespace {

// Offset of the voxel under screen pixel (x, y) and the per-pixel steps along x and y,
// so the inner loops walk memory with additions only.
struct SliceWalk {
  int64_t rowStart(int64_t y) const { return base + y * stepY; }
  int64_t base = 0, stepX = 0, stepY = 0;
};

SliceWalk walkFor(const core::Geometry& g, const SliceGeometry& s, int64_t index) {
  const std::array<int64_t, 3> stride{1, g.size[0], g.size[0] * g.size[1]};
  const core::Index3 origin = s.voxelAt(0, 0, index);
  SliceWalk w;
  w.base = origin[0] * stride[0] + origin[1] * stride[1] + origin[2] * stride[2];
  w.stepX = (s.flipHorizontal ? -1 : 1) * stride[s.horizontalAxis];
  w.stepY = (s.flipVertical ? -1 : 1) * stride[s.verticalAxis];
  return w;
}

// Integer blend with alpha in 0..255, rounded like the floating-point original so
// a half-opaque overlay of 255 over 0 gives 128.
inline QRgb blend(QRgb under, QRgb over, int alpha) {
  const int keep = 255 - alpha;
  const auto mix = [alpha, keep](int a, int b) { return (a * keep + b * alpha + 127) / 255; };
  return qRgb(mix(qRed(under), qRed(over)), mix(qGreen(under), qGreen(over)), mix(qBlue(under), qBlue(over)));
}

inline int alphaOf(double opacity) { return static_cast<int>(std::lround(std::clamp(opacity, 0.0, 1.0) * 255.0)); }

}  // namespace

QImage SliceRenderer::renderImage(const core::Volume& volume, const SliceGeometry& slice, int64_t index,
                                  const WindowLevel& window, int channel) {
  QImage image(static_cast<int>(slice.width), static_cast<int>(slice.height), QImage::Format_RGB32);
  const float* data = volume.channel(channel);
  const SliceWalk walk = walkFor(volume.geometry(), slice, index);
  // Float arithmetic and branch-free clamping keep this loop at memory speed.
  const auto low = static_cast<float>(window.center - window.width / 2.0);
  const auto scale = static_cast<float>(255.0 / std::max(window.width, 1e-12));
  for (int64_t y = 0; y < slice.height; ++y) {
    auto* row = reinterpret_cast<QRgb*>(image.scanLine(static_cast<int>(y)));
    int64_t offset = walk.rowStart(y);
    for (int64_t x = 0; x < slice.width; ++x, offset += walk.stepX) {
      const float g = std::min(std::max((data[offset] - low) * scale, 0.0f), 255.0f);
      const auto grey = static_cast<uint32_t>(g);
      row[x] = 0xff000000u | (grey * 0x010101u);
    }
  }
  return image;
}

void SliceRenderer::overlayLabels(QImage& image, const core::LabelMap& labels, const SliceGeometry& slice,
                                  int64_t index, const std::vector<model::LabelInfo>& palette,
                                  const LabelOverlayStyle& style) {
  // A 64k lookup keeps the inner loop free of searches; unknown labels get a
  // default colour so nothing present is ever invisible.
  std::vector<QRgb> colors(65536, qRgb(255, 255, 255));
  std::vector<uint8_t> visible(65536, 1);
  visible[0] = 0;
  for (const auto& l : palette)
    if (l.value >= 0 && l.value < 65536) colors[l.value] = qRgb(l.color[0], l.color[1], l.color[2]);
  for (int v : style.hidden)
    if (v >= 0 && v < 65536) visible[v] = 0;
  const int alpha = alphaOf(style.opacity);

  const uint16_t* data = labels.data();
  const SliceWalk walk = walkFor(labels.geometry(), slice, index);
  for (int64_t y = 0; y < slice.height; ++y) {
    auto* row = reinterpret_cast<QRgb*>(image.scanLine(static_cast<int>(y)));
    int64_t offset = walk.rowStart(y);
    for (int64_t x = 0; x < slice.width; ++x, offset += walk.stepX) {
      const uint16_t label = data[offset];
      if (!visible[label]) continue;
      if (style.outline) {
        // A pixel is on the border when a 4-neighbour in the slice has another label.
        const bool border = x == 0 || y == 0 || x == slice.width - 1 || y == slice.height - 1 ||
                            data[offset - walk.stepX] != label || data[offset + walk.stepX] != label ||
                            data[offset - walk.stepY] != label || data[offset + walk.stepY] != label;
        if (!border) continue;
        row[x] = colors[label];
      } else {
        row[x] = blend(row[x], colors[label], alpha);
      }
    }
  }
}

void SliceRenderer::overlayHeat(QImage& image, const core::Volume& heat, const SliceGeometry& slice, int64_t index,
                                const HeatOverlayStyle& style) {
  const float* data = heat.data();
  const SliceWalk walk = walkFor(heat.geometry(), slice, index);
  // A lookup table of the colour map: heatColor() per pixel costs more than the blend.
  constexpr int kSteps = 1024;
  std::array<QRgb, kSteps + 1> lut{};
  for (int i = 0; i <= kSteps; ++i) lut[static_cast<size_t>(i)] = heatColor(static_cast<double>(i) / kSteps);
  const int alpha = alphaOf(style.opacity);
  const auto threshold = static_cast<float>(style.threshold);
  for (int64_t y = 0; y < slice.height; ++y) {
    auto* row = reinterpret_cast<QRgb*>(image.scanLine(static_cast<int>(y)));
    int64_t offset = walk.rowStart(y);
    for (int64_t x = 0; x < slice.width; ++x, offset += walk.stepX) {
      const float v = data[offset];
      if (!(v >= threshold)) continue;
      const int step = static_cast<int>(std::min(std::max(v, 0.0f), 1.0f) * kSteps + 0.5f);
      row[x] = blend(row[x], lut[static_cast<size_t>(step)], alpha);
    }
  }
}

QRgb SliceRenderer::heatColor(double value) {
  const double v = std::clamp(value, 0.0, 1.0);
  // Black -> red -> yellow -> white in three equal thirds ("hot").
  const auto channel = [](double t) { return static_cast<int>(std::clamp(t, 0.0, 1.0) * 255.0 + 0.5); };
  return qRgb(channel(3.0 * v), channel(3.0 * v - 1.0), channel(3.0 * v - 2.0));
}

}  // namespace aunet::gui
