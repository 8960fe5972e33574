#pragma once
// An image on a grid: geometry, float voxels (one or more channels on the same grid,
// e.g. multi-sequence MR), the pixel type it had on disk, and its metadata.
// Voxels are stored channel after channel, each channel i-fastest, so a Volume maps
// onto a [C, K, J, I] tensor without copying or transposing.

#include <cstdint>
#include <vector>

#include "core/Geometry.h"
#include "core/PixelType.h"
#include "core/VolumeMetadata.h"

namespace aunet::core {

class Volume {
 public:
  Volume() = default;
  Volume(Geometry geometry, int channels, PixelType originalType = PixelType::Float32);

  const Geometry& geometry() const { return geometry_; }
  Geometry& geometry() { return geometry_; }
  int channels() const { return channels_; }
  PixelType originalType() const { return originalType_; }
  void setOriginalType(PixelType type) { originalType_ = type; }

  const VolumeMetadata& metadata() const { return metadata_; }
  VolumeMetadata& metadata() { return metadata_; }

  float* data() { return voxels_.data(); }
  const float* data() const { return voxels_.data(); }
  float* channel(int c) { return voxels_.data() + c * geometry_.voxelCount(); }
  const float* channel(int c) const { return voxels_.data() + c * geometry_.voxelCount(); }
  std::vector<float>& voxels() { return voxels_; }
  const std::vector<float>& voxels() const { return voxels_; }

  float& at(int64_t i, int64_t j, int64_t k, int c = 0) {
    return voxels_[c * geometry_.voxelCount() + geometry_.offset(i, j, k)];
  }
  float at(int64_t i, int64_t j, int64_t k, int c = 0) const {
    return voxels_[c * geometry_.voxelCount() + geometry_.offset(i, j, k)];
  }

  bool empty() const { return voxels_.empty(); }

 private:
  Geometry geometry_;
  int channels_ = 0;
  PixelType originalType_ = PixelType::Float32;
  VolumeMetadata metadata_;
  std::vector<float> voxels_;
};

}  // namespace aunet::core
