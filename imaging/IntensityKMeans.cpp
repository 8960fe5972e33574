#include "imaging/IntensityKMeans.h"

#include <algorithm>
#include <cmath>

namespace aunet::imaging {

KMeansResult intensityKMeans(std::vector<float> values, int k, int maxIterations) {
  KMeansResult r;
  values.erase(std::remove_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); }), values.end());
  if (values.empty() || k < 1) return r;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  // Prefix sums: the mean of any run of sorted values in O(1).
  std::vector<double> prefix(n + 1, 0.0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + values[i];
  for (int c = 0; c < k; ++c) r.centres.push_back(values[std::min(n - 1, static_cast<size_t>((c + 0.5) / k * double(n)))]);
  std::vector<size_t> bounds(static_cast<size_t>(k) + 1, 0);  // class c holds sorted values [bounds[c], bounds[c+1])
  for (r.iterations = 1; r.iterations <= maxIterations; ++r.iterations) {
    std::vector<size_t> next(static_cast<size_t>(k) + 1, 0);
    next[static_cast<size_t>(k)] = n;
    for (int c = 1; c < k; ++c) {
      const double mid = 0.5 * (r.centres[static_cast<size_t>(c - 1)] + r.centres[static_cast<size_t>(c)]);
      next[static_cast<size_t>(c)] =
          static_cast<size_t>(std::upper_bound(values.begin(), values.end(), mid) - values.begin());
    }
    for (int c = 0; c < k; ++c) {
      const size_t a = next[static_cast<size_t>(c)], b = next[static_cast<size_t>(c) + 1];
      if (b > a) r.centres[static_cast<size_t>(c)] = (prefix[b] - prefix[a]) / double(b - a);
    }
    if (next == bounds) break;
    bounds = next;
  }
  r.iterations = std::min(r.iterations, maxIterations);
  std::sort(r.centres.begin(), r.centres.end());
  return r;
}

int nearestCentre(const std::vector<double>& centres, double value) {
  int best = 0;
  for (size_t c = 1; c < centres.size(); ++c)
    if (std::abs(value - centres[c]) < std::abs(value - centres[static_cast<size_t>(best)])) best = static_cast<int>(c);
  return best;
}

}  // namespace aunet::imaging
