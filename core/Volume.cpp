#include "core/Volume.h"

#include "core/Error.h"

namespace aunet::core {

Volume::Volume(Geometry geometry, int channels, PixelType originalType)
    : geometry_(geometry), channels_(channels), originalType_(originalType) {
  if (channels < 1) throw Error("a volume needs at least one channel");
  voxels_.assign(static_cast<size_t>(geometry_.voxelCount()) * static_cast<size_t>(channels), 0.0f);
}

}  // namespace aunet::core
