#include "io/internal/GantryTilt.h"

#include <algorithm>
#include <cmath>

#include "imaging/ImageResampler.h"

namespace aunet::io::internal {

namespace {

double dot(const core::Vec3& a, const core::Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

core::Vec3 cross(const core::Vec3& a, const core::Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

void setColumn(core::Mat3& m, int c, const core::Vec3& v) {
  for (int r = 0; r < 3; ++r) m[r * 3 + c] = v[r];
}

}  // namespace

std::optional<GantryTilt> findGantryTilt(const core::Vec3& row, const core::Vec3& column, double rowSpacing,
                                         double columnSpacing, int64_t columns, int64_t rows,
                                         const std::vector<core::Vec3>& positions) {
  const size_t n = positions.size();
  if (n < 2) return std::nullopt;
  // The mean step from slice to slice, split along the normal and across the plane.
  core::Vec3 step;
  for (int a = 0; a < 3; ++a) step[a] = (positions.back()[a] - positions.front()[a]) / static_cast<double>(n - 1);
  core::Vec3 normal = cross(row, column);
  const double along = dot(step, normal);
  if (std::abs(along) < 1e-6) return std::nullopt;  // no spacing at all: the slice check's error
  const double u = dot(step, row), v = dot(step, column);
  const double drift = std::hypot(u, v) * static_cast<double>(n - 1);
  if (drift < 0.1 * std::min(rowSpacing, columnSpacing)) return std::nullopt;

  GantryTilt tilt;
  tilt.degrees = std::atan2(std::hypot(u, v), std::abs(along)) * 180.0 / M_PI;
  const double stepLength = std::sqrt(dot(step, step));
  core::Geometry& s = tilt.sheared;
  s.size = {columns, rows, static_cast<int64_t>(n)};
  s.spacing = {rowSpacing, columnSpacing, stepLength};
  s.origin = positions.front();
  setColumn(s.direction, 0, row);
  setColumn(s.direction, 1, column);
  setColumn(s.direction, 2, {step[0] / stepLength, step[1] / stepLength, step[2] / stepLength});

  // The orthogonal grid: same in-plane axes and spacing, the normal pointing the way
  // the slices go, the slice spacing along it, and wide enough for every slice.
  if (along < 0) normal = {-normal[0], -normal[1], -normal[2]};
  core::Geometry& o = tilt.orthogonal;
  const double last = static_cast<double>(n - 1);
  const double uMin = std::min(0.0, u * last), uMax = std::max(0.0, u * last);
  const double vMin = std::min(0.0, v * last), vMax = std::max(0.0, v * last);
  o.size = {columns + static_cast<int64_t>(std::ceil((uMax - uMin) / rowSpacing - 1e-6)),
            rows + static_cast<int64_t>(std::ceil((vMax - vMin) / columnSpacing - 1e-6)), static_cast<int64_t>(n)};
  o.spacing = {rowSpacing, columnSpacing, std::abs(along)};
  for (int a = 0; a < 3; ++a) o.origin[a] = positions.front()[a] + uMin * row[a] + vMin * column[a];
  setColumn(o.direction, 0, row);
  setColumn(o.direction, 1, column);
  setColumn(o.direction, 2, normal);
  return tilt;
}

core::Volume resampleTiltedStack(const core::Volume& stack, const GantryTilt& tilt) {
  core::Volume sheared = stack;
  sheared.geometry() = tilt.sheared;  // the resampler maps through any invertible direction
  const auto lowest = std::min_element(stack.voxels().begin(), stack.voxels().end());
  const float outside = lowest == stack.voxels().end() ? 0.0f : *lowest;
  return imaging::resample(sheared, tilt.orthogonal, imaging::Interpolation::Linear, outside);
}

}  // namespace aunet::io::internal
