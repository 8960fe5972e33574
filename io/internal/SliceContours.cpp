#include "io/internal/SliceContours.h"

#include <itkContourExtractor2DImageFilter.h>
#include <itkImage.h>

#include <cmath>

namespace aunet::io::internal {

namespace {

// True when b lies on the straight segment from a to c (exact for the half-pixel
// grid marching squares produces).
bool collinear(const std::array<double, 2>& a, const std::array<double, 2>& b, const std::array<double, 2>& c) {
  const double cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  return std::abs(cross) < 1e-9;
}

}  // namespace

std::vector<Contour2D> sliceContours(const uint8_t* inside, int64_t columns, int64_t rows) {
  using Image = itk::Image<float, 2>;
  // One pixel of background around the slice, so regions touching its edge still give
  // closed outlines; the padded region starts at index -1 so vertices come out in the
  // slice's own pixel indices.
  auto image = Image::New();
  Image::RegionType region;
  region.SetIndex({{-1, -1}});
  region.SetSize({{static_cast<itk::SizeValueType>(columns + 2), static_cast<itk::SizeValueType>(rows + 2)}});
  image->SetRegions(region);
  image->Allocate(true);
  for (int64_t j = 0; j < rows; ++j)
    for (int64_t i = 0; i < columns; ++i)
      if (inside[i + j * columns]) image->SetPixel({{i, j}}, 1.0f);

  auto extractor = itk::ContourExtractor2DImageFilter<Image>::New();
  extractor->SetInput(image);
  extractor->SetContourValue(0.5);
  extractor->VertexConnectHighPixelsOn();  // diagonal neighbours inside share one outline
  extractor->Update();

  std::vector<Contour2D> contours;
  for (unsigned n = 0; n < extractor->GetNumberOfIndexedOutputs(); ++n) {
    const auto* vertices = extractor->GetOutput(n)->GetVertexList();
    Contour2D raw;
    for (unsigned v = 0; v < vertices->Size(); ++v) {
      const auto& p = vertices->ElementAt(v);
      raw.push_back({p[0], p[1]});
    }
    // Closed paths repeat their first vertex at the end; RTSTRUCT contours do not.
    if (raw.size() > 1 && raw.front() == raw.back()) raw.pop_back();
    Contour2D simplified;
    const size_t count = raw.size();
    for (size_t v = 0; v < count; ++v) {
      const auto& previous = raw[(v + count - 1) % count];
      const auto& next = raw[(v + 1) % count];
      if (!collinear(previous, raw[v], next)) simplified.push_back(raw[v]);
    }
    if (simplified.size() >= 3) contours.push_back(std::move(simplified));
  }
  return contours;
}

}  // namespace aunet::io::internal
