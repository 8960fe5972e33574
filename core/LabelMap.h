#pragma once
// A segmentation on a grid: one integer label per voxel (0 = background), written as
// uint8 when every label fits and uint16 otherwise.

#include <cstdint>
#include <vector>

#include "core/Geometry.h"
#include "core/VolumeMetadata.h"

namespace aunet::core {

class LabelMap {
 public:
  LabelMap() = default;
  explicit LabelMap(Geometry geometry);

  const Geometry& geometry() const { return geometry_; }
  Geometry& geometry() { return geometry_; }
  const VolumeMetadata& metadata() const { return metadata_; }
  VolumeMetadata& metadata() { return metadata_; }

  uint16_t* data() { return labels_.data(); }
  const uint16_t* data() const { return labels_.data(); }
  std::vector<uint16_t>& labels() { return labels_; }
  const std::vector<uint16_t>& labels() const { return labels_; }

  uint16_t& at(int64_t i, int64_t j, int64_t k) { return labels_[geometry_.offset(i, j, k)]; }
  uint16_t at(int64_t i, int64_t j, int64_t k) const { return labels_[geometry_.offset(i, j, k)]; }

  uint16_t maxLabel() const;
  int64_t count(uint16_t label) const;

 private:
  Geometry geometry_;
  VolumeMetadata metadata_;
  std::vector<uint16_t> labels_;
};

}  // namespace aunet::core
