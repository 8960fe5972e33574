#include "model/SlidingWindowPlan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/Error.h"

namespace aunet::model {

std::vector<int64_t> slidingWindowSteps(int64_t size, int64_t patch, double overlap) {
  if (patch < 1 || size < patch) {
    std::ostringstream msg;
    msg << "sliding window: patch " << patch << " does not fit an axis of " << size << " voxels";
    throw core::Error(msg.str());
  }
  if (!(overlap >= 0.0 && overlap < 1.0))
    throw core::Error("sliding window: overlap must be in [0, 1), got " + std::to_string(overlap));
  const double targetStep = static_cast<double>(patch) * (1.0 - overlap);
  const auto count = static_cast<int64_t>(std::ceil(static_cast<double>(size - patch) / targetStep)) + 1;
  std::vector<int64_t> steps;
  steps.reserve(static_cast<size_t>(count));
  if (count == 1) {
    steps.push_back(0);
    return steps;
  }
  const double actualStep = static_cast<double>(size - patch) / static_cast<double>(count - 1);
  // nearbyint rounds halves to even, as nnU-Net's np.round does (42.5 -> 42).
  for (int64_t i = 0; i < count; ++i) steps.push_back(static_cast<int64_t>(std::nearbyint(actualStep * i)));
  return steps;
}

std::vector<std::vector<int64_t>> slidingWindowStarts(const std::vector<int64_t>& size,
                                                      const std::vector<int64_t>& patch, double overlap) {
  if (size.size() != patch.size() || size.empty())
    throw core::Error("sliding window: image has " + std::to_string(size.size()) + " spatial axes, patch has " +
                      std::to_string(patch.size()));
  std::vector<std::vector<int64_t>> perAxis;
  for (size_t d = 0; d < size.size(); ++d) perAxis.push_back(slidingWindowSteps(size[d], patch[d], overlap));
  std::vector<std::vector<int64_t>> starts{{}};
  for (const auto& axis : perAxis) {
    std::vector<std::vector<int64_t>> next;
    next.reserve(starts.size() * axis.size());
    for (const auto& prefix : starts)
      for (int64_t s : axis) {
        next.push_back(prefix);
        next.back().push_back(s);
      }
    starts = std::move(next);
  }
  return starts;
}

std::vector<double> gaussianProfile(int64_t patch, double sigmaScale) {
  if (patch < 1) throw core::Error("gaussian importance map: patch sizes must be positive, got " + std::to_string(patch));
  const double sigma = static_cast<double>(patch) * sigmaScale;
  const int64_t centre = patch / 2;
  const auto radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  std::vector<double> w(static_cast<size_t>(patch));
  for (int64_t x = 0; x < patch; ++x) {
    const double d = static_cast<double>(x - centre);
    w[x] = std::llabs(x - centre) > radius ? 0.0 : std::exp(-d * d / (2.0 * sigma * sigma));
  }
  return w;
}

std::vector<double> gaussianCoverage(int64_t size, int64_t patch, double overlap, double sigmaScale) {
  const std::vector<double> profile = gaussianProfile(patch, sigmaScale);
  std::vector<double> coverage(static_cast<size_t>(size), 0.0);
  for (const int64_t start : slidingWindowSteps(size, patch, overlap))
    for (int64_t x = 0; x < patch; ++x) coverage[static_cast<size_t>(start + x)] += profile[static_cast<size_t>(x)];
  return coverage;
}

std::vector<float> gaussianImportanceMap(const std::vector<int64_t>& patch, double sigmaScale) {
  if (patch.empty()) throw core::Error("gaussian importance map: empty patch size");
  std::vector<std::vector<double>> axes;
  int64_t total = 1;
  for (int64_t p : patch) {
    axes.push_back(gaussianProfile(p, sigmaScale));
    total *= p;
  }
  std::vector<float> map(static_cast<size_t>(total));
  std::vector<int64_t> index(patch.size(), 0);
  float minNonZero = std::numeric_limits<float>::max();
  for (int64_t flat = 0; flat < total; ++flat) {
    double v = 1.0;
    for (size_t d = 0; d < patch.size(); ++d) v *= axes[d][index[d]];
    map[flat] = static_cast<float>(v);
    if (map[flat] > 0.0f) minNonZero = std::min(minNonZero, map[flat]);
    for (size_t d = patch.size(); d-- > 0;) {  // last axis fastest
      if (++index[d] < patch[d]) break;
      index[d] = 0;
    }
  }
  for (float& v : map)
    if (v == 0.0f) v = minNonZero;
  return map;
}

}  // namespace aunet::model
