#include "imaging/PolygonFill.h"

#include <algorithm>
#include <cmath>

namespace aunet::imaging {

void togglePolygonInterior(const Polygon2D& polygon, int64_t columns, int64_t rows, uint8_t* mask) {
  const size_t n = polygon.size();
  if (n < 3) return;
  double low = polygon[0][1], high = polygon[0][1];
  for (const auto& p : polygon) {
    low = std::min(low, p[1]);
    high = std::max(high, p[1]);
  }
  const int64_t firstRow = std::max<int64_t>(0, static_cast<int64_t>(std::ceil(low)));
  const int64_t lastRow = std::min<int64_t>(rows - 1, static_cast<int64_t>(std::floor(high)));
  std::vector<double> crossings;
  for (int64_t j = firstRow; j <= lastRow; ++j) {
    const double y = static_cast<double>(j);
    crossings.clear();
    for (size_t e = 0; e < n; ++e) {
      const auto& a = polygon[e];
      const auto& b = polygon[(e + 1) % n];
      // Half-open in y: an edge counts when y is in [min, max), once per vertex.
      if ((a[1] <= y && y < b[1]) || (b[1] <= y && y < a[1]))
        crossings.push_back(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
    }
    std::sort(crossings.begin(), crossings.end());
    uint8_t* row = mask + j * columns;
    for (size_t c = 0; c + 1 < crossings.size(); c += 2) {
      // Centres strictly between the two crossings.
      const int64_t from = std::max<int64_t>(0, static_cast<int64_t>(std::floor(crossings[c])) + 1);
      const int64_t to = std::min<int64_t>(columns - 1, static_cast<int64_t>(std::ceil(crossings[c + 1])) - 1);
      for (int64_t i = from; i <= to; ++i) row[i] ^= 1;
    }
  }
}

}  // namespace aunet::imaging
