#pragma once
// 2D PNG/JPEG/TIFF/BMP images through OpenCV, as a Volume with one slice.
// Columns run along i, rows along j (row 0 first), spacing 1 mm, origin 0, identity
// direction. Gray images have one channel; color images keep R, G, B (and alpha) as
// channels in that order unless ReadOptions::colorToGray is set. 8- and 16-bit and
// float images keep their values.

#include <string>

#include "io/ReadOptions.h"
#include "core/Volume.h"

namespace aunet::io {

core::Volume readRasterImage(const std::string& path, const ReadOptions& options = {});

}  // namespace aunet::io
