#pragma once
// The fourth view: the label surfaces (and the attention iso-surface) in 3D, in
// patient coordinates like the slice views, with the three current slice planes as
// outlines. QOpenGLWidget (works on Mesa's llvmpipe under Xvfb):
//   left drag: rotate      wheel or right drag: zoom      middle or shift+left drag: pan
//   left click on a surface: the crosshair moves there (all slice views follow)
//   buttons: Reset, A P L R S I (standard orientations); right click: opacity per label

#include <QOpenGLFunctions>
#include <QOpenGLWidget>

#include <map>
#include <memory>

#include "gui/SurfaceCamera.h"
#include "gui/ViewState.h"

class QOpenGLShaderProgram;
class QOpenGLBuffer;

namespace aunet::gui {

class SurfaceBuilder;
class ViewerDocument;

class SurfaceView : public QOpenGLWidget, protected QOpenGLFunctions {
  Q_OBJECT
 public:
  SurfaceView(SurfaceBuilder* builder, ViewState* state, const ViewerDocument* document, QWidget* parent = nullptr);
  ~SurfaceView() override;

  SurfaceCamera& camera() { return camera_; }
  void resetCamera();
  void setStandardView(StandardView view);
  // The patient point (mm) of the surface under widget pixel `pos`; false on background.
  bool pickAt(QPoint pos, core::Vec3& patient);
  // Picks and moves the crosshair there (what a click does); false on background.
  bool moveCursorTo(QPoint pos);
  // Draws one frame and waits for the GPU (the benchmark's per-frame time).
  double drawFrameMs();
  // Uploads the scene's meshes now (the benchmark's upload time); ms.
  double uploadMs();
  bool hasContext() const { return context() != nullptr && context()->isValid(); }
  // Whether this platform can make an OpenGL context at all (false on Qt's offscreen
  // platform, where a shown QOpenGLWidget crashes the backing store): the grid then
  // shows a note instead of the 3D view.
  static bool openGLAvailable();

  QSize sizeHint() const override { return {400, 400}; }

 Q_SIGNALS:
  void cursorChanged();
  void activated();

 protected:
  void initializeGL() override;
  void resizeGL(int w, int h) override;
  void paintGL() override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  struct GpuMesh;
  void upload();
  void drawPlanes(const QMatrix4x4& mvp);
  void onSceneChanged();
  void freeBuffers();

  SurfaceBuilder* builder_;
  ViewState* state_;
  const ViewerDocument* document_;
  SurfaceCamera camera_;
  bool framed_ = false;  // the user placed the camera: arriving surfaces leave it alone
  std::unique_ptr<QOpenGLShaderProgram> program_;
  std::map<int, std::unique_ptr<GpuMesh>> gpu_;
  uint64_t uploaded_ = ~uint64_t(0);
  enum class Drag { None, Rotate, Pan, Zoom } drag_ = Drag::None;
  QPointF pressPos_, lastPos_;
  bool moved_ = false;
};

}  // namespace aunet::gui
