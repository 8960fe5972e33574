#include "core/PixelType.h"

namespace aunet::core {

std::string toString(PixelType type) {
  switch (type) {
    case PixelType::UInt8: return "uint8";
    case PixelType::Int8: return "int8";
    case PixelType::UInt16: return "uint16";
    case PixelType::Int16: return "int16";
    case PixelType::UInt32: return "uint32";
    case PixelType::Int32: return "int32";
    case PixelType::Float32: return "float32";
    case PixelType::Float64: return "float64";
  }
  return "unknown";
}

bool isInteger(PixelType type) { return type != PixelType::Float32 && type != PixelType::Float64; }

}  // namespace aunet::core
