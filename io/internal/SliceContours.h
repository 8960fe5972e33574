#pragma once
// The outlines of a binary region on one slice, for RT Structure Sets: ITK's marching
// squares (ContourExtractor2DImageFilter) at the 0.5 level of the 0/1 image, so every
// vertex lies halfway between a pixel inside and one outside. A pixel's centre then
// never lies on an outline, and filling the outlines by the even-odd rule at pixel
// centres gives back exactly the pixels that were set (holes are outlines of their
// own). Collinear vertices are dropped, which changes no outline.

#include <array>
#include <cstdint>
#include <vector>

namespace aunet::io::internal {

using Contour2D = std::vector<std::array<double, 2>>;  // (i, j) in continuous pixel index

// `inside`: columns * rows bytes, row after row (i fastest), non-zero inside.
std::vector<Contour2D> sliceContours(const uint8_t* inside, int64_t columns, int64_t rows);

}  // namespace aunet::io::internal
