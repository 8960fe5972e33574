#include "io/internal/ItkSupport.h"

#include <itkImageIOBase.h>

#include <cctype>

namespace aunet::io::internal {

std::string describeItkError(const itk::ExceptionObject& e) {
  std::string text = e.GetDescription();
  if (text.empty()) text = e.what();
  // Collapse newlines and runs of blanks into single spaces.
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  // ITK prefixes some descriptions with "itk::ERROR: ClassName(0x...): "; the class
  // and address mean nothing to a user.
  for (const char* prefix : {"itk::ERROR: ", "ITK ERROR: "}) {
    const auto err = out.find(prefix);
    if (err == std::string::npos) continue;
    const auto colon = out.find("): ", err);
    if (colon != std::string::npos) out.erase(err, colon + 3 - err);
  }
  // Teem chains every caller's complaint ("[nrrd] nrrdLoad: trouble ... [nrrd] X: reason");
  // the last link is the reason.
  const auto nrrd = out.rfind("[nrrd] ");
  if (nrrd != std::string::npos) out = "NRRD: " + out.substr(nrrd + 7);
  return out.empty() ? "unknown ITK error" : out;
}

core::PixelType pixelTypeOf(itk::IOComponentEnum type) {
  using C = itk::IOComponentEnum;
  switch (type) {
    case C::UCHAR: return core::PixelType::UInt8;
    case C::CHAR: return core::PixelType::Int8;
    case C::USHORT: return core::PixelType::UInt16;
    case C::SHORT: return core::PixelType::Int16;
    case C::UINT: return core::PixelType::UInt32;
    case C::INT: return core::PixelType::Int32;
    case C::FLOAT: return core::PixelType::Float32;
    default: return core::PixelType::Float64;
  }
}

itk::IOComponentEnum itkComponentOf(core::PixelType type) {
  using C = itk::IOComponentEnum;
  switch (type) {
    case core::PixelType::UInt8: return C::UCHAR;
    case core::PixelType::Int8: return C::CHAR;
    case core::PixelType::UInt16: return C::USHORT;
    case core::PixelType::Int16: return C::SHORT;
    case core::PixelType::UInt32: return C::UINT;
    case core::PixelType::Int32: return C::INT;
    case core::PixelType::Float32: return C::FLOAT;
    case core::PixelType::Float64: return C::DOUBLE;
  }
  return C::FLOAT;
}

}  // namespace aunet::io::internal
