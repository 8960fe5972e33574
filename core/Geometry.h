#pragma once
// Where a voxel grid lies in the patient: size, spacing, origin and axis directions,
// always in ITK's LPS physical convention (x: right->Left, y: anterior->Posterior,
// z: inferior->Superior), millimetres. Plain C++ so every layer can share it.

#include <array>
#include <cstdint>
#include <string>

namespace aunet::core {

using Index3 = std::array<int64_t, 3>;
using Vec3 = std::array<double, 3>;
// Row-major 3x3; column c is the unit direction of voxel axis c in LPS space.
using Mat3 = std::array<double, 9>;

struct Geometry {
  Index3 size{1, 1, 1};            // voxels along i, j, k (i fastest in memory)
  Vec3 spacing{1.0, 1.0, 1.0};     // mm between voxel centres along i, j, k
  Vec3 origin{0.0, 0.0, 0.0};      // LPS position of the centre of voxel (0, 0, 0)
  Mat3 direction{1, 0, 0, 0, 1, 0, 0, 0, 1};

  int64_t voxelCount() const { return size[0] * size[1] * size[2]; }
  // Flat offset of voxel (i, j, k) in i-fastest order.
  int64_t offset(int64_t i, int64_t j, int64_t k) const { return i + size[0] * (j + size[1] * k); }

  // physical = origin + direction * diag(spacing) * index
  Vec3 indexToPhysical(const Vec3& continuousIndex) const;
  Vec3 physicalToIndex(const Vec3& point) const;

  // Same size, and spacing, origin and direction equal within tolerance (mm for
  // origin, relative for spacing, absolute for direction cosines).
  bool sameGrid(const Geometry& other, double tolerance = 1e-4) const;

  // Throws core::Error when sizes or spacings are not positive or the direction
  // matrix is not orthonormal. `what` names the source in the message.
  void validate(const std::string& what) const;

  // Three-letter orientation code of the axes in ITK's sense (e.g. "RAI" for an
  // identity direction in LPS: axis i points from Right, j from Anterior, k from Inferior).
  std::string orientationCode() const;

  std::string describe() const;  // one line, for logs and errors
};

}  // namespace aunet::core
