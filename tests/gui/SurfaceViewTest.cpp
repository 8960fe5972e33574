// The 3D view: surfaces built on the viewer's task runner label by label from the
// open mask (and rebuilt after an edit), the attention iso-surface, the camera's
// standard orientations, "Export surfaces...", and, on a display with OpenGL
// (xvfb-run with Mesa's llvmpipe: test gui.xvfb_surface_view), the rendered view
// holding each label's colour and a click on a surface moving the crosshair onto it.

#include <gtest/gtest.h>

#include <QDir>
#include <QGuiApplication>
#include <QTest>

#include <cmath>
#include <set>

#include "gui/MainWindow.h"
#include "gui/SliceView.h"
#include "gui/SurfaceBuilder.h"
#include "gui/SurfaceCamera.h"
#include "gui/SurfaceView.h"
#include "gui/ViewerDocument.h"
#include "io/ImageWriter.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

// Three separate balls (labels 1, 2, 3: red, green, blue in the default palette) in a
// row along patient x, on the phantom's RAS-stored anisotropic grid.
core::LabelMap threeBalls(const core::Geometry& g) {
  core::LabelMap labels(g);
  const double cx[3] = {0.22, 0.5, 0.78};
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i)
        for (int b = 0; b < 3; ++b) {
          const double di = (i - cx[b] * g.size[0]) * g.spacing[0], dj = (j - 0.5 * g.size[1]) * g.spacing[1],
                       dk = (k - 0.5 * g.size[2]) * g.spacing[2];
          if (di * di + dj * dj + dk * dk <= 7.0 * 7.0) labels.at(i, j, k) = static_cast<uint16_t>(b + 1);
        }
  return labels;
}

class SurfaceViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::application();
    ASSERT_TRUE(dir_.isValid());
    window_ = std::make_unique<MainWindow>(SegmenterFactory{}, std::make_unique<ViewerSettings>(dir_.filePath("v.ini")));
    window_->setInteractive(false);
    window_->resize(1200, 900);
    files_ = testing::writePhantom(dir_);
    io::writeLabelMap(threeBalls(files_.phantom.labels.geometry()), dir_.filePath("balls.nii.gz").toStdString());
  }
  QTemporaryDir dir_;
  std::unique_ptr<MainWindow> window_;
  testing::PhantomFiles files_;
};

TEST_F(SurfaceViewTest, BuildsOneSurfacePerLabelWhereItsVoxelsAre) {
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files_.image)));
  ASSERT_TRUE(window_->openMask(dir_.filePath("balls.nii.gz")));
  ASSERT_TRUE(window_->waitForBackgroundJobs(60000));
  const SurfaceScene& scene = window_->surfaces().scene();
  ASSERT_EQ(scene.meshes().size(), 3u);
  const core::LabelMap& labels = *window_->document().labels();
  const core::Geometry& g = labels.geometry();
  for (int value = 1; value <= 3; ++value) {
    const SceneMesh* mesh = scene.find(value);
    ASSERT_NE(mesh, nullptr) << value;
    EXPECT_GT(mesh->triangleCount(), 100u);
    // Its colour is the legend's, and it sits where the label's voxels are in patient space.
    EXPECT_EQ(mesh->color, window_->document().palette()[static_cast<size_t>(value)].color);
    core::Vec3 lo{1e9, 1e9, 1e9}, hi{-1e9, -1e9, -1e9};
    for (int64_t k = 0; k < g.size[2]; ++k)
      for (int64_t j = 0; j < g.size[1]; ++j)
        for (int64_t i = 0; i < g.size[0]; ++i)
          if (labels.at(i, j, k) == value) {
            const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
            for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], p[a]), hi[a] = std::max(hi[a], p[a]);
          }
    for (int a = 0; a < 3; ++a) {
      EXPECT_NEAR(mesh->lo[a], lo[a], g.spacing[a] * 1.01) << "label " << value << " axis " << a;
      EXPECT_NEAR(mesh->hi[a], hi[a], g.spacing[a] * 1.01) << "label " << value << " axis " << a;
    }
  }
  // Opacity per label holds across rebuilds.
  window_->surfaces().scene().setOpacity(2, 0.5f);
  EXPECT_FLOAT_EQ(scene.find(2)->opacity, 0.5f);
  // An edit (a new mask with label 2 only) drops the others and rebuilds label 2.
  core::LabelMap only2 = labels;
  for (auto& v : only2.labels()) v = v == 2 ? 2 : 0;
  const uint64_t before = scene.find(2)->serial;
  window_->controller().replaceMask(std::move(only2), "edit", "Keep label 2");
  ASSERT_TRUE(window_->waitForBackgroundJobs(60000));
  EXPECT_EQ(scene.meshes().size(), 1u);
  ASSERT_NE(scene.find(2), nullptr);
  EXPECT_NE(scene.find(2)->serial, before);
  EXPECT_FLOAT_EQ(scene.find(2)->opacity, 0.5f);
  // Undo brings the three back.
  ASSERT_TRUE(window_->undoEdit());
  ASSERT_TRUE(window_->waitForBackgroundJobs(60000));
  EXPECT_EQ(scene.meshes().size(), 3u);
}

TEST_F(SurfaceViewTest, AttentionOfTheChosenGateBecomesATranslucentIsoSurface) {
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files_.image)));
  // A map that is 0.9 inside the phantom's organ and 0.1 elsewhere.
  core::Volume map(files_.phantom.labels.geometry(), 1);
  for (size_t i = 0; i < map.voxels().size(); ++i) map.voxels()[i] = files_.phantom.labels.labels()[i] ? 0.9f : 0.1f;
  io::writeImage(map, dir_.filePath("attention_level1.nii.gz").toStdString());
  ASSERT_TRUE(window_->openAttention(dir_.filePath("attention_level1.nii.gz")));
  SurfaceScene& scene = window_->surfaces().scene();
  // The gate the slice views show (the overlay panel picks a new map) is the one in 3D.
  ASSERT_EQ(window_->overlaySettings().attentionIndex, 0);
  ASSERT_TRUE(window_->waitForBackgroundJobs(60000));
  EXPECT_EQ(window_->surfaces().attentionIndex(), 0);
  const SceneMesh* iso = scene.find(SurfaceScene::kAttentionKey);
  ASSERT_NE(iso, nullptr);
  EXPECT_GT(iso->triangleCount(), 100u);
  EXPECT_LT(iso->opacity, 0.5f);
  EXPECT_GT(iso->opacity, 0.0f);
  window_->surfaces().setAttention(-1);
  EXPECT_EQ(scene.find(SurfaceScene::kAttentionKey), nullptr);
}

TEST_F(SurfaceViewTest, ExportSurfacesWritesOneNamedMeshPerLabel) {
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files_.image)));
  // Names from an ITK-SNAP label description beside the mask.
  {
    QFile txt(dir_.filePath("balls.txt"));
    ASSERT_TRUE(txt.open(QIODevice::WriteOnly));
    txt.write("# ITK-SNAP Label Description File\n"
              "    0     0    0    0        0  0  0    \"Clear Label\"\n"
              "    1   255    0    0        1  1  1    \"Liver\"\n"
              "    2     0  255    0        1  1  1    \"Spleen\"\n"
              "    3     0    0  255     0.5  1  1    \"Left kidney\"\n");
  }
  ASSERT_TRUE(window_->openMask(dir_.filePath("balls.nii.gz")));
  EXPECT_EQ(window_->document().labelName(3), "Left kidney");
  EXPECT_EQ(window_->exportSurfaces(dir_.filePath("meshes"), "stl"), 3);
  const QStringList files = QDir(dir_.filePath("meshes")).entryList(QDir::Files, QDir::Name);
  EXPECT_EQ(files, QStringList({"1_Liver.stl", "2_Spleen.stl", "3_Left_kidney.stl"}));
  // Without a mask: an error, nothing written.
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files_.image)));
  EXPECT_EQ(window_->exportSurfaces(dir_.filePath("none"), "stl"), 0);
  EXPECT_FALSE(QDir(dir_.filePath("none")).exists());
}

TEST_F(SurfaceViewTest, CinePlaysThroughTheActiveViewsSlicesAndWraps) {
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files_.image)));
  const int64_t count = window_->viewState().sliceCount(ViewAxis::Axial);
  window_->setCinePlaying(true, 10);
  EXPECT_TRUE(window_->cinePlaying());
  std::set<int64_t> seen;
  ASSERT_TRUE(testing::waitUntil([&] {
    seen.insert(window_->viewState().sliceIndex(ViewAxis::Axial));
    return static_cast<int64_t>(seen.size()) == count;  // every slice, so it wrapped past the last
  }, 20000));
  window_->setCinePlaying(false);
  EXPECT_FALSE(window_->cinePlaying());
  const int64_t stopped = window_->viewState().sliceIndex(ViewAxis::Axial);
  QTest::qWait(50);
  EXPECT_EQ(window_->viewState().sliceIndex(ViewAxis::Axial), stopped);
}

TEST(SurfaceBuilderTest, LargeMasksMeshOnACoarserGridOverTheSameFieldOfView) {
  core::Geometry ct;
  ct.size = {512, 512, 400};
  ct.spacing = {0.78, 0.78, 1.0};
  ct.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
  ct.origin = {200, 180, -300};
  const core::Geometry d = SurfaceBuilder::displayGrid(ct);
  EXPECT_EQ(d.size, (core::Index3{256, 256, 200}));
  for (int a = 0; a < 3; ++a) EXPECT_DOUBLE_EQ(d.spacing[a], 2 * ct.spacing[a]);
  // The outer corners of the field of view stay where they were.
  for (const core::Vec3& corner : {core::Vec3{-0.5, -0.5, -0.5}, core::Vec3{511.5, 511.5, 399.5}}) {
    const core::Vec3 p = ct.indexToPhysical(corner);
    const core::Vec3 q = d.indexToPhysical({(corner[0] + 0.5) / 2 - 0.5, (corner[1] + 0.5) / 2 - 0.5, (corner[2] + 0.5) / 2 - 0.5});
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(p[a], q[a], 1e-9);
  }
  // A small grid is meshed as it is; a thin-sliced one only along its long axis.
  EXPECT_TRUE(SurfaceBuilder::displayGrid(testing::phantomGrid()).sameGrid(testing::phantomGrid()));
  core::Geometry thick = ct;
  thick.size = {512, 512, 60};
  thick.spacing = {0.7, 0.7, 5.0};
  EXPECT_EQ(SurfaceBuilder::displayGrid(thick).size, (core::Index3{256, 256, 60}));
}

TEST(SurfaceCameraTest, StandardViewsLookFromTheNamedSide) {
  SurfaceCamera camera;
  camera.setBounds({-50, -60, -70}, {50, 60, 70});
  // viewDirection: from the eye towards the centre, LPS (+x left, +y posterior, +z superior).
  const struct {
    StandardView view;
    QVector3D look, up;
  } cases[] = {{StandardView::Anterior, {0, 1, 0}, {0, 0, 1}},  {StandardView::Posterior, {0, -1, 0}, {0, 0, 1}},
               {StandardView::Left, {-1, 0, 0}, {0, 0, 1}},     {StandardView::Right, {1, 0, 0}, {0, 0, 1}},
               {StandardView::Superior, {0, 0, -1}, {0, -1, 0}}, {StandardView::Inferior, {0, 0, 1}, {0, -1, 0}}};
  for (const auto& c : cases) {
    camera.setStandardView(c.view);
    EXPECT_LT((camera.viewDirection() - c.look).length(), 1e-4f) << static_cast<int>(c.view);
    EXPECT_LT((camera.up() - c.up).length(), 1e-4f) << static_cast<int>(c.view);
    // The whole box projects inside the view.
    const QMatrix4x4 mvp = camera.projection(400, 300) * camera.viewMatrix();
    for (int corner = 0; corner < 8; ++corner) {
      const QVector3D p(corner & 1 ? 50 : -50, corner & 2 ? 60 : -60, corner & 4 ? 70 : -70);
      const QVector3D ndc = mvp.map(p);
      EXPECT_LE(std::abs(ndc.x()), 1.0f);
      EXPECT_LE(std::abs(ndc.y()), 1.0f);
    }
  }
  // Anterior view: the patient's left (+x) is on the screen's right.
  camera.setStandardView(StandardView::Anterior);
  const QMatrix4x4 mvp = camera.projection(400, 400) * camera.viewMatrix();
  EXPECT_GT(mvp.map(QVector3D(40, 0, 0)).x(), mvp.map(QVector3D(-40, 0, 0)).x());
  EXPECT_GT(mvp.map(QVector3D(0, 0, 40)).y(), mvp.map(QVector3D(0, 0, -40)).y());
  // Dragging rotates; zoom brings the scene closer.
  const QVector3D before = camera.viewDirection();
  camera.rotate(100, 0, 400, 400);
  EXPECT_GT((camera.viewDirection() - before).length(), 0.5f);
  const float width = mvp.map(QVector3D(40, 0, 0)).x() - mvp.map(QVector3D(-40, 0, 0)).x();
  camera.setStandardView(StandardView::Anterior);
  camera.zoom(2.0f);
  const QMatrix4x4 closer = camera.projection(400, 400) * camera.viewMatrix();
  EXPECT_GT(closer.map(QVector3D(40, 0, 0)).x() - closer.map(QVector3D(-40, 0, 0)).x(), 1.5f * width);
}

// Needs OpenGL on a real display: runs under xvfb-run (QT_QPA_PLATFORM=xcb, Mesa's
// llvmpipe) as CTest's gui.xvfb_surface_view; Qt's offscreen platform has no OpenGL here.
TEST_F(SurfaceViewTest, OnScreenShowsEachLabelColourAndAClickMovesTheCrosshair) {
  if (QGuiApplication::platformName() == "offscreen") {
    // Without OpenGL the pane says so; the window still shows and works.
    window_->show();
    ASSERT_TRUE(window_->openImage(QString::fromStdString(files_.image)));
    ASSERT_TRUE(window_->openMask(dir_.filePath("balls.nii.gz")));
    QCoreApplication::processEvents();
    EXPECT_EQ(window_->surfaceView(), nullptr);
    EXPECT_NE(window_->findChild<QWidget*>("view-3D-unavailable"), nullptr);
    return;
  }
  window_->show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files_.image)));
  ASSERT_TRUE(window_->openMask(dir_.filePath("balls.nii.gz")));
  ASSERT_TRUE(window_->waitForBackgroundJobs(60000));
  SurfaceView* view = window_->surfaceView();
  ASSERT_NE(view, nullptr) << "no OpenGL on platform " << QGuiApplication::platformName().toStdString();
  ASSERT_TRUE(view->hasContext());
  view->resetCamera();
  QCoreApplication::processEvents();
  const QImage shot = view->grabFramebuffer();
  ASSERT_FALSE(shot.isNull());
  if (qEnvironmentVariableIsSet("AUNET_TEST_SHOTS")) shot.save(qEnvironmentVariable("AUNET_TEST_SHOTS") + "/surface.png");
  // Each ball's colour (red, green, blue, lit face-on) is in the picture.
  for (int value = 1; value <= 3; ++value) {
    const auto c = window_->document().palette()[static_cast<size_t>(value)].color;
    int found = 0;
    for (int y = 0; y < shot.height(); ++y)
      for (int x = 0; x < shot.width(); ++x) {
        const QRgb p = shot.pixel(x, y);
        if (std::abs(qRed(p) - c[0]) < 40 && std::abs(qGreen(p) - c[1]) < 40 && std::abs(qBlue(p) - c[2]) < 40) ++found;
      }
    EXPECT_GT(found, 50) << "label " << value << " colour not rendered";
  }
  // Seen from the front, label 1 (the ball at low voxel i: patient left on this
  // RAS-stored grid) is on the screen's right. A click there moves the crosshair into it.
  // (A row off the centre: the axial plane's outline runs through the middle.)
  QPoint onBall(-1, -1);
  const int row = shot.height() / 2 + shot.height() / 30;
  for (int x = shot.width() - 1; x >= 0 && onBall.x() < 0; --x) {
    const QRgb p = shot.pixel(x, row);
    if (qRed(p) > 150 && qGreen(p) < 60 && qBlue(p) < 60) onBall = {x - 15, row};
  }
  ASSERT_GE(onBall.x(), 0);
  EXPECT_GT(onBall.x(), shot.width() / 2);
  const qreal dpr = view->devicePixelRatioF();
  const QPoint widgetPoint(static_cast<int>(onBall.x() / dpr), static_cast<int>(onBall.y() / dpr));
  QTest::mouseClick(view, Qt::LeftButton, {}, widgetPoint);
  const core::Index3 c = window_->viewState().cursor();
  // The picked point lies on the ball's front surface: the voxel at the cursor, or one
  // a voxel or two deeper along y (posterior), is label 1.
  bool inBall = false;
  for (int64_t dj = -2; dj <= 2; ++dj) {
    const int64_t j = std::clamp<int64_t>(c[1] + dj, 0, files_.phantom.labels.geometry().size[1] - 1);
    inBall |= window_->document().labels()->at(c[0], j, c[2]) == 1;
  }
  EXPECT_TRUE(inBall) << c[0] << "," << c[1] << "," << c[2];
  // Rotating keeps drawing; the frame time is measurable.
  for (int i = 0; i < 5; ++i) {
    view->camera().rotate(20, 5, view->width(), view->height());
    EXPECT_GE(view->drawFrameMs(), 0.0);
  }
  // The window's PNG export holds the 3D view's colours too (seen from the front
  // again: rotated, the blue ball can hide the red one in a narrow pane).
  view->camera().setStandardView(StandardView::Anterior);
  view->update();
  QCoreApplication::processEvents();
  ASSERT_TRUE(window_->exportView(dir_.filePath("four.png")));
  const QImage four(dir_.filePath("four.png"));
  int red = 0;
  for (int y = four.height() / 2; y < four.height(); ++y)
    for (int x = four.width() / 2; x < four.width(); ++x) {
      const QRgb p = four.pixel(x, y);
      if (qRed(p) > 150 && qGreen(p) < 60 && qBlue(p) < 60) ++red;
    }
  EXPECT_GT(red, 50);
}

}  // namespace
}  // namespace aunet::gui
