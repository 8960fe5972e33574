#include "gui/SurfaceView.h"

#include <QContextMenuEvent>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QOpenGLContext>
#include <QHBoxLayout>
#include <QMenu>
#include <QMouseEvent>
#include <QOpenGLBuffer>
#include <QOpenGLShaderProgram>
#include <QToolButton>
#include <QWheelEvent>

#include <cmath>
#include <vector>

#include "gui/SurfaceBuilder.h"
#include "gui/ViewerDocument.h"

namespace aunet::gui {

namespace {

const char* kVertexShader = R"(
attribute highp vec3 position;
attribute highp vec3 normal;
uniform highp mat4 mvp;
uniform highp mat3 rotation;
varying highp vec3 eyeNormal;
void main() {
  eyeNormal = rotation * normal;
  gl_Position = mvp * vec4(position, 1.0);
})";

// A headlight, two-sided: inner faces seen through a cut or a transparent surface
// are lit too.
const char* kFragmentShader = R"(
uniform lowp vec4 color;
uniform lowp float lit;
varying highp vec3 eyeNormal;
void main() {
  highp float d = abs(normalize(eyeNormal).z);
  highp float shade = mix(1.0, 0.3 + 0.7 * d, lit);
  gl_FragColor = vec4(color.rgb * shade, color.a);
})";

}  // namespace

bool SurfaceView::openGLAvailable() {
  static const bool available = [] {
    if (QGuiApplication::platformName() == "offscreen" || QGuiApplication::platformName() == "minimal") return false;
    QOpenGLContext probe;
    return probe.create();
  }();
  return available;
}

struct SurfaceView::GpuMesh {
  QOpenGLBuffer vertices{QOpenGLBuffer::VertexBuffer};
  QOpenGLBuffer indices{QOpenGLBuffer::IndexBuffer};
  int indexCount = 0;
  uint64_t serial = 0;  // SceneMesh::serial of the data uploaded
};

SurfaceView::SurfaceView(SurfaceBuilder* builder, ViewState* state, const ViewerDocument* document, QWidget* parent)
    : QOpenGLWidget(parent), builder_(builder), state_(state), document_(document) {
  setObjectName("view-3D");
  setMinimumSize(120, 120);
  setFocusPolicy(Qt::StrongFocus);
  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(4, 4, 4, 4);
  bar->setSpacing(2);
  auto addButton = [this, bar](const QString& text, const QString& tip, std::function<void()> action) {
    auto* b = new QToolButton(this);
    b->setText(text);
    b->setToolTip(tip);
    b->setObjectName("view3d-" + text);
    b->setAutoRaise(true);
    b->setStyleSheet("QToolButton { color: #e0e0e0; background: rgba(40,40,40,160); padding: 1px 4px; }");
    connect(b, &QToolButton::clicked, this, action);
    bar->addWidget(b);
  };
  addButton("Reset", "Frame the surfaces, seen from the front", [this] { resetCamera(); });
  const std::pair<const char*, StandardView> views[] = {
      {"A", StandardView::Anterior}, {"P", StandardView::Posterior}, {"L", StandardView::Left},
      {"R", StandardView::Right},    {"S", StandardView::Superior},  {"I", StandardView::Inferior}};
  for (const auto& [name, v] : views) {
    const StandardView view = v;
    addButton(name, QString("Look from the patient's %1").arg(name), [this, view] { setStandardView(view); });
  }
  bar->addStretch(1);
  auto* outer = new QVBoxLayout(this);
  outer->setContentsMargins(0, 0, 0, 0);
  outer->addLayout(bar);
  outer->addStretch(1);
  connect(builder_, &SurfaceBuilder::sceneChanged, this, &SurfaceView::onSceneChanged);
}

SurfaceView::~SurfaceView() {
  if (context()) {
    makeCurrent();
    freeBuffers();
    program_.reset();
    doneCurrent();
  }
}

void SurfaceView::freeBuffers() {
  for (auto& [key, mesh] : gpu_) {
    mesh->vertices.destroy();
    mesh->indices.destroy();
  }
  gpu_.clear();
}

void SurfaceView::onSceneChanged() {
  // Surfaces arrive label by label: keep framing all of them until the user moves the
  // camera; an empty scene (a new image or mask) starts framing again.
  core::Vec3 lo{}, hi{};
  if (!builder_->scene().bounds(lo, hi)) framed_ = false;
  if (!framed_) {
    resetCamera();
    return;
  }
  update();
}

void SurfaceView::resetCamera() {
  core::Vec3 lo{}, hi{};
  if (builder_->scene().bounds(lo, hi)) {
    camera_.setBounds(QVector3D(lo[0], lo[1], lo[2]), QVector3D(hi[0], hi[1], hi[2]));
  } else if (document_->hasImage()) {
    // No surfaces yet: frame the image box.
    const core::Geometry& g = state_->geometry();
    const core::Vec3 a = g.indexToPhysical({-0.5, -0.5, -0.5});
    const core::Vec3 b = g.indexToPhysical({g.size[0] - 0.5, g.size[1] - 0.5, g.size[2] - 0.5});
    camera_.setBounds(QVector3D(std::min(a[0], b[0]), std::min(a[1], b[1]), std::min(a[2], b[2])),
                      QVector3D(std::max(a[0], b[0]), std::max(a[1], b[1]), std::max(a[2], b[2])));
  }
  camera_.reset();
  update();
}

void SurfaceView::setStandardView(StandardView view) {
  framed_ = true;
  camera_.setStandardView(view);
  update();
}

void SurfaceView::initializeGL() {
  initializeOpenGLFunctions();
  program_ = std::make_unique<QOpenGLShaderProgram>();
  program_->addShaderFromSourceCode(QOpenGLShader::Vertex, kVertexShader);
  program_->addShaderFromSourceCode(QOpenGLShader::Fragment, kFragmentShader);
  program_->bindAttributeLocation("position", 0);
  program_->bindAttributeLocation("normal", 1);
  if (!program_->link()) qWarning("aunet-viewer: 3D view shaders: %s", qPrintable(program_->log()));
  uploaded_ = ~uint64_t(0);
  gpu_.clear();  // a new context has none of the old buffers
}

void SurfaceView::resizeGL(int, int) {}

void SurfaceView::upload() {
  const SurfaceScene& scene = builder_->scene();
  if (uploaded_ == scene.version()) return;
  // Drop buffers of meshes that went; (re)upload those whose data changed (colour or
  // opacity changes need no upload).
  for (auto it = gpu_.begin(); it != gpu_.end();) {
    if (!scene.find(it->first)) {
      it->second->vertices.destroy();
      it->second->indices.destroy();
      it = gpu_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [key, mesh] : scene.meshes()) {
    auto& gpu = gpu_[key];
    const bool fresh = !gpu;
    if (fresh) gpu = std::make_unique<GpuMesh>();
    if (!fresh && gpu->serial == mesh.serial) continue;
    gpu->serial = mesh.serial;
    if (!gpu->vertices.isCreated()) gpu->vertices.create();
    if (!gpu->indices.isCreated()) gpu->indices.create();
    gpu->vertices.bind();
    gpu->vertices.allocate(mesh.vertices.data(), static_cast<int>(mesh.vertices.size() * sizeof(float)));
    gpu->indices.bind();
    gpu->indices.allocate(mesh.indices.data(), static_cast<int>(mesh.indices.size() * sizeof(uint32_t)));
    gpu->indexCount = static_cast<int>(mesh.indices.size());
    gpu->vertices.release();
    gpu->indices.release();
  }
  uploaded_ = scene.version();
}

void SurfaceView::paintGL() {
  glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  if (!program_ || !program_->isLinked()) return;
  upload();
  const QMatrix4x4 view = camera_.viewMatrix();
  const QMatrix4x4 mvp = camera_.projection(width(), height()) * view;
  glEnable(GL_DEPTH_TEST);
  glDepthFunc(GL_LESS);
  program_->bind();
  program_->setUniformValue("mvp", mvp);
  program_->setUniformValue("rotation", view.normalMatrix());
  program_->setUniformValue("lit", 1.0f);
  const SurfaceScene& scene = builder_->scene();
  auto drawMesh = [&](int key, const SceneMesh& mesh) {
    const auto it = gpu_.find(key);
    if (it == gpu_.end() || it->second->indexCount == 0) return;
    GpuMesh& gpu = *it->second;
    program_->setUniformValue("color", mesh.color[0] / 255.0f,
                              mesh.color[1] / 255.0f, mesh.color[2] / 255.0f, mesh.opacity);
    gpu.vertices.bind();
    gpu.indices.bind();
    program_->enableAttributeArray(0);
    program_->enableAttributeArray(1);
    program_->setAttributeBuffer(0, GL_FLOAT, 0, 3, 6 * sizeof(float));
    program_->setAttributeBuffer(1, GL_FLOAT, 3 * sizeof(float), 3, 6 * sizeof(float));
    glDrawElements(GL_TRIANGLES, gpu.indexCount, GL_UNSIGNED_INT, nullptr);
    gpu.vertices.release();
    gpu.indices.release();
  };
  // Opaque surfaces first, then the translucent ones over them without writing depth
  // (so a surface behind a translucent one still shows through it).
  for (const auto& [key, mesh] : scene.meshes())
    if (mesh.opacity >= 0.999f) drawMesh(key, mesh);
  glEnable(GL_BLEND);
  // Colour blends; the framebuffer's alpha stays 1 (Qt composites the widget's
  // framebuffer as premultiplied alpha: a translucent pixel would let the window show
  // through and shift its colour).
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ZERO, GL_ONE);
  glDepthMask(GL_FALSE);
  for (const auto& [key, mesh] : scene.meshes())
    if (mesh.opacity > 0.001f && mesh.opacity < 0.999f) drawMesh(key, mesh);
  glDepthMask(GL_TRUE);
  glDisable(GL_BLEND);
  if (document_->hasImage()) drawPlanes(mvp);
  program_->disableAttributeArray(0);
  program_->disableAttributeArray(1);
  program_->release();
}

void SurfaceView::drawPlanes(const QMatrix4x4& mvp) {
  // The three slices through the crosshair as rectangles in the slice views' colours
  // of this viewer's text: axial, coronal, sagittal.
  const core::Geometry& g = state_->geometry();
  const core::Index3& c = state_->cursor();
  std::vector<float> lines;
  for (ViewAxis axis : {ViewAxis::Axial, ViewAxis::Coronal, ViewAxis::Sagittal}) {
    const SliceGeometry& s = state_->slice(axis);
    const double h0 = -0.5, h1 = g.size[s.horizontalAxis] - 0.5, v0 = -0.5, v1 = g.size[s.verticalAxis] - 0.5;
    const double corners[4][2] = {{h0, v0}, {h1, v0}, {h1, v1}, {h0, v1}};
    for (int e = 0; e < 4; ++e)
      for (int end = 0; end < 2; ++end) {
        const auto& corner = corners[(e + end) % 4];
        core::Vec3 index{0, 0, 0};
        index[s.normalAxis] = static_cast<double>(c[s.normalAxis]);
        index[s.horizontalAxis] = corner[0];
        index[s.verticalAxis] = corner[1];
        const core::Vec3 p = g.indexToPhysical(index);
        lines.insert(lines.end(), {static_cast<float>(p[0]), static_cast<float>(p[1]), static_cast<float>(p[2]), 0.f,
                                   0.f, 1.f});
      }
  }
  QOpenGLBuffer buffer(QOpenGLBuffer::VertexBuffer);
  buffer.create();
  buffer.bind();
  buffer.allocate(lines.data(), static_cast<int>(lines.size() * sizeof(float)));
  program_->setUniformValue("mvp", mvp);
  program_->setUniformValue("lit", 0.0f);
  program_->enableAttributeArray(0);
  program_->enableAttributeArray(1);
  program_->setAttributeBuffer(0, GL_FLOAT, 0, 3, 6 * sizeof(float));
  program_->setAttributeBuffer(1, GL_FLOAT, 3 * sizeof(float), 3, 6 * sizeof(float));
  const float colors[3][3] = {{0.3f, 0.6f, 1.0f}, {0.3f, 1.0f, 0.4f}, {1.0f, 0.85f, 0.2f}};
  for (int i = 0; i < 3; ++i) {
    program_->setUniformValue("color", colors[i][0], colors[i][1], colors[i][2], 1.0f);
    glDrawArrays(GL_LINES, 8 * i, 8);
  }
  buffer.release();
  buffer.destroy();
}

bool SurfaceView::pickAt(QPoint pos, core::Vec3& patient) {
  if (!hasContext()) return false;
  makeCurrent();
  // The depth of the frame as drawn now, read from the widget's framebuffer.
  paintGL();
  const qreal dpr = devicePixelRatioF();
  const int px = static_cast<int>(pos.x() * dpr), py = static_cast<int>((height() - 1 - pos.y()) * dpr);
  float depth = 1.0f;
  glBindFramebuffer(GL_FRAMEBUFFER, defaultFramebufferObject());
  glReadPixels(px, py, 1, 1, GL_DEPTH_COMPONENT, GL_FLOAT, &depth);
  doneCurrent();
  if (depth >= 1.0f) return false;
  const QMatrix4x4 inverse = (camera_.projection(width(), height()) * camera_.viewMatrix()).inverted();
  const QVector4D ndc(2.0f * (pos.x() + 0.5f) / width() - 1.0f, 1.0f - 2.0f * (pos.y() + 0.5f) / height(),
                      2.0f * depth - 1.0f, 1.0f);
  const QVector4D p = inverse * ndc;
  if (std::abs(p.w()) < 1e-12f) return false;
  patient = {p.x() / p.w(), p.y() / p.w(), p.z() / p.w()};
  return true;
}

bool SurfaceView::moveCursorTo(QPoint pos) {
  core::Vec3 patient{};
  if (!document_->hasImage() || !pickAt(pos, patient)) return false;
  const core::Vec3 index = state_->geometry().physicalToIndex(patient);
  state_->setCursor({static_cast<int64_t>(std::lround(index[0])), static_cast<int64_t>(std::lround(index[1])),
                     static_cast<int64_t>(std::lround(index[2]))});
  Q_EMIT cursorChanged();
  update();
  return true;
}

double SurfaceView::drawFrameMs() {
  if (!hasContext()) return -1.0;
  makeCurrent();
  QElapsedTimer timer;
  timer.start();
  paintGL();
  glFinish();
  const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  doneCurrent();
  return ms;
}

double SurfaceView::uploadMs() {
  if (!hasContext()) return -1.0;
  makeCurrent();
  QElapsedTimer timer;
  timer.start();
  upload();
  glFinish();
  const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
  doneCurrent();
  return ms;
}

void SurfaceView::mousePressEvent(QMouseEvent* event) {
  Q_EMIT activated();
  pressPos_ = lastPos_ = event->position();
  moved_ = false;
  if (event->button() == Qt::LeftButton)
    drag_ = (event->modifiers() & Qt::ShiftModifier) ? Drag::Pan : Drag::Rotate;
  else if (event->button() == Qt::MiddleButton)
    drag_ = Drag::Pan;
  else if (event->button() == Qt::RightButton)
    drag_ = Drag::Zoom;
}

void SurfaceView::mouseMoveEvent(QMouseEvent* event) {
  const QPointF d = event->position() - lastPos_;
  lastPos_ = event->position();
  if ((event->position() - pressPos_).manhattanLength() > 3) moved_ = true;
  if (drag_ != Drag::None && moved_) framed_ = true;  // the user's camera from now on
  switch (drag_) {
    case Drag::Rotate: camera_.rotate(d.x(), d.y(), width(), height()); break;
    case Drag::Pan: camera_.pan(d.x(), d.y(), width(), height()); break;
    case Drag::Zoom: camera_.zoom(std::pow(1.01f, static_cast<float>(-d.y()))); break;
    case Drag::None: return;
  }
  update();
}

void SurfaceView::mouseReleaseEvent(QMouseEvent* event) {
  // A click that did not drag puts the crosshair on the surface under it.
  if (drag_ == Drag::Rotate && !moved_ && event->button() == Qt::LeftButton)
    moveCursorTo(event->position().toPoint());
  if (drag_ == Drag::Zoom && !moved_ && event->button() == Qt::RightButton) {
    drag_ = Drag::None;
    return;  // the context menu follows
  }
  drag_ = Drag::None;
}

void SurfaceView::wheelEvent(QWheelEvent* event) {
  framed_ = true;
  camera_.zoom(std::pow(1.15f, static_cast<float>(event->angleDelta().y()) / 120.0f));
  update();
  event->accept();
}

void SurfaceView::contextMenuEvent(QContextMenuEvent* event) {
  if (moved_) return;  // a right drag zoomed
  QMenu menu(this);
  SurfaceScene& scene = builder_->scene();
  for (const auto& [key, mesh] : scene.meshes()) {
    const QString name = key == SurfaceScene::kAttentionKey ? QString("attention")
                                                            : QString::fromStdString(document_->labelName(key));
    QMenu* sub = menu.addMenu(QString("%1 (%2%)").arg(name).arg(std::lround(mesh.opacity * 100)));
    for (int percent : {100, 75, 50, 25, 0}) {
      const int k = key;
      sub->addAction(percent == 0 ? QString("Hidden") : QString("%1%").arg(percent), this, [this, k, percent] {
        builder_->scene().setOpacity(k, percent / 100.0f);
        update();
      });
    }
  }
  if (menu.isEmpty()) menu.addAction("No surfaces yet")->setEnabled(false);
  menu.exec(event->globalPos());
}

}  // namespace aunet::gui
