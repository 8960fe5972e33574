#include "imaging/ColourLuminance.h"

#include "core/Error.h"

namespace aunet::imaging {

bool isColourPhotometric(const std::string& p) {
  return p == "RGB" || p == "YBR_FULL" || p == "YBR_FULL_422" || p == "PALETTE COLOR" || p == "YBR_RCT" ||
         p == "YBR_ICT" || p == "YBR_PARTIAL_420";
}

core::Volume luminance(const core::Volume& rgb) {
  if (rgb.channels() != 3) throw core::Error("luminance", "needs 3 channels (R, G, B), got " + std::to_string(rgb.channels()));
  core::Volume grey(rgb.geometry(), 1, rgb.originalType());
  grey.metadata() = rgb.metadata();
  const core::Geometry& g = rgb.geometry();
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i)
        grey.at(i, j, k, 0) =
            0.299f * rgb.at(i, j, k, 0) + 0.587f * rgb.at(i, j, k, 1) + 0.114f * rgb.at(i, j, k, 2);
  return grey;
}

}  // namespace aunet::imaging
