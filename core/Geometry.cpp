#include "core/Geometry.h"

#include <cmath>
#include <sstream>

#include "core/Error.h"

namespace aunet::core {

namespace {

// Inverse of a 3x3 row-major matrix; the caller has validated it is invertible.
Mat3 inverse(const Mat3& m) {
  const double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                     m[2] * (m[3] * m[7] - m[4] * m[6]);
  const double s = 1.0 / det;
  return {(m[4] * m[8] - m[5] * m[7]) * s, (m[2] * m[7] - m[1] * m[8]) * s, (m[1] * m[5] - m[2] * m[4]) * s,
          (m[5] * m[6] - m[3] * m[8]) * s, (m[0] * m[8] - m[2] * m[6]) * s, (m[2] * m[3] - m[0] * m[5]) * s,
          (m[3] * m[7] - m[4] * m[6]) * s, (m[1] * m[6] - m[0] * m[7]) * s, (m[0] * m[4] - m[1] * m[3]) * s};
}

}  // namespace

Vec3 Geometry::indexToPhysical(const Vec3& index) const {
  Vec3 p = origin;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) p[r] += direction[r * 3 + c] * spacing[c] * index[c];
  return p;
}

Vec3 Geometry::physicalToIndex(const Vec3& point) const {
  const Mat3 inv = inverse(direction);
  Vec3 index{0, 0, 0};
  for (int r = 0; r < 3; ++r) {
    double v = 0.0;
    for (int c = 0; c < 3; ++c) v += inv[r * 3 + c] * (point[c] - origin[c]);
    index[r] = v / spacing[r];
  }
  return index;
}

bool Geometry::sameGrid(const Geometry& other, double tolerance) const {
  if (size != other.size) return false;
  for (int a = 0; a < 3; ++a) {
    if (std::abs(spacing[a] - other.spacing[a]) > tolerance * std::max(1.0, std::abs(spacing[a]))) return false;
    if (std::abs(origin[a] - other.origin[a]) > tolerance * std::max(1.0, std::abs(origin[a]))) return false;
  }
  for (int e = 0; e < 9; ++e)
    if (std::abs(direction[e] - other.direction[e]) > tolerance) return false;
  return true;
}

void Geometry::validate(const std::string& what) const {
  for (int a = 0; a < 3; ++a) {
    if (size[a] <= 0) throw Error(what, "image size must be positive along every axis, got " + describe());
    if (!(spacing[a] > 0.0) || !std::isfinite(spacing[a]))
      throw Error(what, "voxel spacing must be positive and finite, got " + describe());
    if (!std::isfinite(origin[a])) throw Error(what, "origin is not finite");
  }
  // Columns must be unit vectors and mutually orthogonal.
  for (int c = 0; c < 3; ++c) {
    for (int d = c; d < 3; ++d) {
      double dot = 0.0;
      for (int r = 0; r < 3; ++r) dot += direction[r * 3 + c] * direction[r * 3 + d];
      const double expected = c == d ? 1.0 : 0.0;
      if (!(std::abs(dot - expected) < 1e-3))
        throw Error(what, "direction matrix is not orthonormal (" + describe() + ")");
    }
  }
}

std::string Geometry::orientationCode() const {
  // ITK's naming: the letter says where the axis comes FROM (LPS +x points to Left,
  // so an axis along +x is "R": it runs from Right to Left).
  static const char kFrom[3][2] = {{'R', 'L'}, {'A', 'P'}, {'I', 'S'}};
  std::string code;
  for (int c = 0; c < 3; ++c) {
    int best = 0;
    for (int r = 1; r < 3; ++r)
      if (std::abs(direction[r * 3 + c]) > std::abs(direction[best * 3 + c])) best = r;
    code += direction[best * 3 + c] >= 0 ? kFrom[best][0] : kFrom[best][1];
  }
  return code;
}

std::string Geometry::describe() const {
  std::ostringstream s;
  s << "size " << size[0] << "x" << size[1] << "x" << size[2] << ", spacing " << spacing[0] << "x" << spacing[1]
    << "x" << spacing[2] << " mm, origin (" << origin[0] << ", " << origin[1] << ", " << origin[2]
    << "), orientation " << orientationCode();
  return s.str();
}

}  // namespace aunet::core
