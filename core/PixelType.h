#pragma once
// The pixel type an image had on disk, kept so writers and the viewer can honour it
// while computation runs on float.

#include <string>

namespace aunet::core {

enum class PixelType { UInt8, Int8, UInt16, Int16, UInt32, Int32, Float32, Float64 };

std::string toString(PixelType type);
bool isInteger(PixelType type);

}  // namespace aunet::core
