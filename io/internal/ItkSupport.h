#pragma once
// PRIVATE to aunet_io: helpers shared by the ITK-based readers and writers. This
// header includes ITK; never include it from a public io/ header.

#include <itkCommonEnums.h>
#include <itkMacro.h>
#include <itkImageIOBase.h>
#include <itkImage.h>

#include <cstdint>
#include <string>

#include "core/Error.h"
#include "core/Geometry.h"
#include "core/PixelType.h"

namespace aunet::io::internal {

// ITK's what() is several lines (file, line, class, description); keep the
// description only, on one line.
std::string describeItkError(const itk::ExceptionObject& e);

// Our PixelType for an ITK component type. 64-bit integers have no PixelType of
// their own and map to Float64 (they are converted to float anyway).
core::PixelType pixelTypeOf(itk::IOComponentEnum type);
itk::IOComponentEnum itkComponentOf(core::PixelType type);

// Calls f(T{}) with T the C++ type of an ITK component type; throws for unknown.
template <typename F>
decltype(auto) dispatchComponent(itk::IOComponentEnum type, const std::string& path, F&& f) {
  using C = itk::IOComponentEnum;
  switch (type) {
    case C::UCHAR: return f(uint8_t{});
    case C::CHAR: return f(int8_t{});
    case C::USHORT: return f(uint16_t{});
    case C::SHORT: return f(int16_t{});
    case C::UINT: return f(uint32_t{});
    case C::INT: return f(int32_t{});
    case C::ULONG: return f(static_cast<unsigned long>(0));
    case C::LONG: return f(long{});
    case C::ULONGLONG: return f(static_cast<unsigned long long>(0));
    case C::LONGLONG: return f(static_cast<long long>(0));
    case C::FLOAT: return f(float{});
    case C::DOUBLE: return f(double{});
    default: break;
  }
  throw core::Error(path, "unsupported pixel component type " +
                              std::string(itk::ImageIOBase::GetComponentTypeAsString(type)));
}

// Geometry of a 3D ITK image, copied exactly (ITK's direction is row-major with
// columns = axis directions, like ours).
template <typename ImageT>
core::Geometry geometryOf(const ImageT& image) {
  core::Geometry g;
  const auto size = image.GetLargestPossibleRegion().GetSize();
  for (unsigned a = 0; a < 3; ++a) {
    g.size[a] = static_cast<int64_t>(size[a]);
    g.spacing[a] = image.GetSpacing()[a];
    g.origin[a] = image.GetOrigin()[a];
    for (unsigned c = 0; c < 3; ++c) g.direction[a * 3 + c] = image.GetDirection()(a, c);
  }
  return g;
}

template <typename ImageT>
void applyGeometry(const core::Geometry& g, ImageT& image) {
  typename ImageT::RegionType region;
  typename ImageT::SpacingType spacing;
  typename ImageT::PointType origin;
  typename ImageT::DirectionType direction;
  for (unsigned a = 0; a < 3; ++a) {
    region.SetSize(a, static_cast<itk::SizeValueType>(g.size[a]));
    region.SetIndex(a, 0);
    spacing[a] = g.spacing[a];
    origin[a] = g.origin[a];
    for (unsigned c = 0; c < 3; ++c) direction(a, c) = g.direction[a * 3 + c];
  }
  image.SetRegions(region);
  image.SetSpacing(spacing);
  image.SetOrigin(origin);
  image.SetDirection(direction);
}

}  // namespace aunet::io::internal
