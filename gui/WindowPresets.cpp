#include "gui/WindowPresets.h"

#include <algorithm>
#include <cmath>

namespace aunet::gui {

const std::vector<WindowPreset>& WindowPresets::ct() {
  // Centre/width in HU as commonly taught (Radiopaedia's "windowing (CT)").
  static const std::vector<WindowPreset> presets{
      {"CT brain", {40.0, 80.0}},       {"CT subdural", {75.0, 215.0}}, {"CT stroke", {40.0, 40.0}},
      {"CT lung", {-600.0, 1500.0}},    {"CT mediastinum", {50.0, 350.0}}, {"CT abdomen", {50.0, 400.0}},
      {"CT liver", {30.0, 150.0}},      {"CT bone", {400.0, 1800.0}},
  };
  return presets;
}

WindowLevel WindowPresets::automatic(const core::Volume& volume, int channel, double lowPercent,
                                     double highPercent) {
  if (volume.empty() || channel < 0 || channel >= volume.channels()) return {};
  const int64_t n = volume.geometry().voxelCount();
  const float* data = volume.channel(channel);
  // A strided sample of at most ~1M voxels: percentiles barely move and a
  // 512x512x300 CT opens without a pause.
  const int64_t stride = std::max<int64_t>(1, n / (1 << 20));
  std::vector<float> sample;
  sample.reserve(static_cast<size_t>(n / stride + 1));
  for (int64_t i = 0; i < n; i += stride) sample.push_back(data[i]);
  const auto at = [&sample](double percent) {
    const auto k = static_cast<size_t>(std::clamp(percent / 100.0, 0.0, 1.0) * static_cast<double>(sample.size() - 1));
    std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(k), sample.end());
    return static_cast<double>(sample[k]);
  };
  double low = at(lowPercent);
  double high = at(highPercent);
  if (!(high > low)) {
    // Constant or nearly constant image: fall back to the full range, then to a unit window.
    const auto [mn, mx] = std::minmax_element(sample.begin(), sample.end());
    low = *mn;
    high = *mx;
    if (!(high > low)) high = low + 1.0;
  }
  return {(low + high) / 2.0, high - low};
}

bool WindowPresets::looksLikeCt(const core::Volume& volume) {
  if (volume.metadata().modality == "CT") return true;
  if (!volume.metadata().modality.empty() || volume.empty()) return false;
  // Hounsfield units: air at about -1000 and nothing far below it.
  const WindowLevel range = automatic(volume, 0, 0.5, 99.5);
  const double low = range.center - range.width / 2.0;
  return low <= -900.0 && low >= -1100.0;
}

WindowLevel WindowPresets::initial(const core::Volume& volume) {
  const auto& m = volume.metadata();
  if (m.windowCenter && m.windowWidth && *m.windowWidth > 0) return {*m.windowCenter, *m.windowWidth};
  // A CT without a header window: the soft-tissue (abdomen) window reads far better
  // than a percentile window stretched from air to bone.
  if (looksLikeCt(volume)) return ct()[5].window;
  return automatic(volume);
}

}  // namespace aunet::gui
