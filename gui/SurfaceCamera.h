#pragma once
// The 3D view's camera around the scene, in patient coordinates (LPS mm): an
// orientation (quaternion), a distance and a pan. Standard orientations look from
// where a radiologist names them: Anterior looks at the patient's face (head up),
// Superior looks down from above the head (anterior up), and so on. No widget: the
// matrices and mouse gestures are tested without a display.

#include <QMatrix4x4>
#include <QQuaternion>
#include <QVector3D>

namespace aunet::gui {

enum class StandardView { Anterior, Posterior, Left, Right, Superior, Inferior };

class SurfaceCamera {
 public:
  // The box to look at (mm); reset() frames it.
  void setBounds(const QVector3D& lo, const QVector3D& hi);
  void reset();  // anterior view, whole box in sight, no pan
  void setStandardView(StandardView view);
  // Mouse gestures in pixels of a width x height view.
  void rotate(float dx, float dy, int width, int height);
  void zoom(float factor);  // > 1: closer
  void pan(float dx, float dy, int width, int height);

  QMatrix4x4 viewMatrix() const;
  QMatrix4x4 projection(int width, int height) const;
  // Where the camera looks from, relative to the scene centre (unit vector, patient axes).
  QVector3D viewDirection() const;  // from the eye towards the centre
  QVector3D up() const;
  QVector3D center() const { return center_; }
  float radius() const { return radius_; }

 private:
  QVector3D center_{0, 0, 0};
  float radius_ = 100.0f;  // half the box diagonal
  QQuaternion orientation_;  // patient -> camera rotation
  float distance_ = 300.0f;
  QVector3D pan_{0, 0, 0};  // camera space, mm
  static constexpr float kFieldOfView = 30.0f;
};

}  // namespace aunet::gui
