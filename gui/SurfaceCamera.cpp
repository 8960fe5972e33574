#include "gui/SurfaceCamera.h"

#include <algorithm>
#include <cmath>

namespace aunet::gui {

void SurfaceCamera::setBounds(const QVector3D& lo, const QVector3D& hi) {
  center_ = (lo + hi) * 0.5f;
  radius_ = std::max(1.0f, (hi - lo).length() * 0.5f);
}

void SurfaceCamera::reset() { setStandardView(StandardView::Anterior); }

void SurfaceCamera::setStandardView(StandardView view) {
  // Eye direction (from the centre towards the eye) and up, in LPS: +x left,
  // +y posterior, +z superior.
  QVector3D eye, up(0, 0, 1);
  switch (view) {
    case StandardView::Anterior: eye = {0, -1, 0}; break;
    case StandardView::Posterior: eye = {0, 1, 0}; break;
    case StandardView::Left: eye = {1, 0, 0}; break;
    case StandardView::Right: eye = {-1, 0, 0}; break;
    case StandardView::Superior: eye = {0, 0, 1}, up = {0, -1, 0}; break;
    case StandardView::Inferior: eye = {0, 0, -1}, up = {0, -1, 0}; break;
  }
  // Camera space looks down -z with +y up: rotate patient axes so `eye` maps to +z.
  orientation_ = QQuaternion::fromDirection(eye, up).conjugated();
  distance_ = radius_ / std::sin(qDegreesToRadians(kFieldOfView * 0.5f)) * 1.05f;
  pan_ = {0, 0, 0};
}

void SurfaceCamera::rotate(float dx, float dy, int width, int height) {
  // Drag right turns the scene to the right about the screen's vertical axis; drag
  // down tips it towards the viewer, both 180 degrees across the view.
  const float ax = 180.0f * dx / std::max(1, width), ay = 180.0f * dy / std::max(1, height);
  const QQuaternion turn = QQuaternion::fromAxisAndAngle(0, 1, 0, ax) * QQuaternion::fromAxisAndAngle(1, 0, 0, ay);
  orientation_ = (turn * orientation_).normalized();
}

void SurfaceCamera::zoom(float factor) {
  if (factor <= 0) return;
  distance_ = std::clamp(distance_ / factor, radius_ * 0.05f, radius_ * 50.0f);
}

void SurfaceCamera::pan(float dx, float dy, int width, int height) {
  // Move the scene with the mouse: pixels to mm at the centre's depth.
  const float mmPerPixel =
      2.0f * distance_ * std::tan(qDegreesToRadians(kFieldOfView * 0.5f)) / std::max(1, std::min(width, height));
  pan_ += QVector3D(dx * mmPerPixel, -dy * mmPerPixel, 0);
}

QMatrix4x4 SurfaceCamera::viewMatrix() const {
  QMatrix4x4 m;
  m.translate(pan_.x(), pan_.y(), -distance_);
  m.rotate(orientation_);
  m.translate(-center_);
  return m;
}

QMatrix4x4 SurfaceCamera::projection(int width, int height) const {
  QMatrix4x4 p;
  const float aspect = static_cast<float>(std::max(1, width)) / static_cast<float>(std::max(1, height));
  // A narrow view keeps the whole box: widen the vertical angle by the aspect.
  float fov = kFieldOfView;
  if (aspect < 1.0f) fov = 2.0f * qRadiansToDegrees(std::atan(std::tan(qDegreesToRadians(fov * 0.5f)) / aspect));
  const float nearPlane = std::max(0.1f, distance_ - radius_ * 2.0f), farPlane = distance_ + radius_ * 2.0f;
  p.perspective(fov, aspect, nearPlane, farPlane);
  return p;
}

QVector3D SurfaceCamera::viewDirection() const { return orientation_.conjugated().rotatedVector({0, 0, -1}); }

QVector3D SurfaceCamera::up() const { return orientation_.conjugated().rotatedVector({0, 1, 0}); }

}  // namespace aunet::gui
