#include <gtest/gtest.h>

#include "imaging/PolygonFill.h"

namespace aunet::imaging {
namespace {

TEST(PolygonFillTest, SquareWithAHoleFillsTheRingOnly) {
  const int64_t n = 10;
  std::vector<uint8_t> mask(n * n, 0);
  // Outer outline halfway between pixels 1|2 ... 7|8, inner around pixels 4..5.
  togglePolygonInterior({{1.5, 1.5}, {7.5, 1.5}, {7.5, 7.5}, {1.5, 7.5}}, n, n, mask.data());
  togglePolygonInterior({{3.5, 3.5}, {5.5, 3.5}, {5.5, 5.5}, {3.5, 5.5}}, n, n, mask.data());
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < n; ++i) {
      const bool outer = i >= 2 && i <= 7 && j >= 2 && j <= 7;
      const bool hole = i >= 4 && i <= 5 && j >= 4 && j <= 5;
      EXPECT_EQ(mask[i + j * n], outer && !hole ? 1 : 0) << i << "," << j;
    }
}

TEST(PolygonFillTest, VertexOnARowOfCentresCountsOnce) {
  // A diamond whose top and bottom vertices and left/right vertices lie on centres.
  const int64_t n = 9;
  std::vector<uint8_t> mask(n * n, 0);
  togglePolygonInterior({{4, 0}, {8, 4}, {4, 8}, {0, 4}}, n, n, mask.data());
  int64_t count = 0;
  for (int64_t j = 0; j < n; ++j)
    for (int64_t i = 0; i < n; ++i) {
      const bool inside = std::abs(i - 4) + std::abs(j - 4) < 4;  // strictly inside
      EXPECT_EQ(mask[i + j * n], inside ? 1 : 0) << i << "," << j;
      count += mask[i + j * n];
    }
  EXPECT_EQ(count, 25);
}

TEST(PolygonFillTest, OutlinesBeyondTheGridAreClipped) {
  const int64_t n = 4;
  std::vector<uint8_t> mask(n * n, 0);
  togglePolygonInterior({{-5, -5}, {10, -5}, {10, 10}, {-5, 10}}, n, n, mask.data());
  for (uint8_t v : mask) EXPECT_EQ(v, 1);
}

}  // namespace
}  // namespace aunet::imaging
