#pragma once
// Filling planar outlines on a pixel grid by the even-odd rule at pixel centres: the
// way RT Structure Set contours become a mask (an outline inside another is a hole).
// Scanline crossings with a half-open rule at vertices, so a vertex on a row of
// centres is counted once.

#include <array>
#include <cstdint>
#include <vector>

namespace aunet::imaging {

using Polygon2D = std::vector<std::array<double, 2>>;  // (i, j) in continuous pixel index

// Flips every pixel of `mask` (columns x rows, i fastest) whose centre lies inside
// `polygon`. Calling it for each outline of a slice leaves the even-odd fill of all of
// them. Pixels outside the grid are ignored.
void togglePolygonInterior(const Polygon2D& polygon, int64_t columns, int64_t rows, uint8_t* mask);

}  // namespace aunet::imaging
