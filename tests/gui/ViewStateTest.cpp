// View state without a display: linked crosshair, slice bounds, window drag, zoom and
// pan, physical aspect ratio, orientation letters.

#include <gtest/gtest.h>

#include "gui/OrientationMarkers.h"
#include "gui/ViewState.h"

namespace aunet::gui {
namespace {

core::Geometry grid(int64_t ni, int64_t nj, int64_t nk, core::Vec3 spacing = {1, 1, 1}) {
  core::Geometry g;
  g.size = {ni, nj, nk};
  g.spacing = spacing;
  return g;
}

TEST(ViewStateTest, NewImageCentresTheCursor) {
  ViewState s;
  s.setGeometry(grid(10, 20, 30));
  EXPECT_EQ(s.cursor(), (core::Index3{5, 10, 15}));
  EXPECT_EQ(s.sliceIndex(ViewAxis::Axial), 15);
  EXPECT_EQ(s.sliceIndex(ViewAxis::Coronal), 10);
  EXPECT_EQ(s.sliceIndex(ViewAxis::Sagittal), 5);
  EXPECT_EQ(s.sliceCount(ViewAxis::Axial), 30);
}

TEST(ViewStateTest, ClickInOneViewMovesTheOthersButNotItself) {
  ViewState s;
  s.setGeometry(grid(10, 20, 30));
  // Axial identity LPS: screen x = i, screen y = j.
  s.setCursorFromView(ViewAxis::Axial, 2.5, 7.2);
  EXPECT_EQ(s.sliceIndex(ViewAxis::Axial), 15);    // unchanged
  EXPECT_EQ(s.sliceIndex(ViewAxis::Sagittal), 2);  // i
  EXPECT_EQ(s.sliceIndex(ViewAxis::Coronal), 7);   // j
  // Coronal: x = i, y runs from superior (high k) at the top.
  s.setCursorFromView(ViewAxis::Coronal, 4.0, 0.0);
  EXPECT_EQ(s.cursor(), (core::Index3{4, 7, 29}));
  // And the cursor is drawn where it was clicked.
  const ViewPoint p = s.cursorInView(ViewAxis::Coronal);
  EXPECT_DOUBLE_EQ(p.x, 4.5);
  EXPECT_DOUBLE_EQ(p.y, 0.5);
}

TEST(ViewStateTest, ClicksOutsideTheSliceClampToItsEdge) {
  ViewState s;
  s.setGeometry(grid(10, 20, 30));
  s.setCursorFromView(ViewAxis::Axial, -5.0, 1000.0);
  EXPECT_EQ(s.cursor()[0], 0);
  EXPECT_EQ(s.cursor()[1], 19);
}

TEST(ViewStateTest, SliceSteppingStopsAtTheEnds) {
  ViewState s;
  s.setGeometry(grid(4, 4, 5));
  EXPECT_TRUE(s.stepSlice(ViewAxis::Axial, 1));
  EXPECT_EQ(s.sliceIndex(ViewAxis::Axial), 3);
  EXPECT_TRUE(s.stepSlice(ViewAxis::Axial, 100));
  EXPECT_EQ(s.sliceIndex(ViewAxis::Axial), 4);
  EXPECT_FALSE(s.stepSlice(ViewAxis::Axial, 1));  // already last
  EXPECT_TRUE(s.stepSlice(ViewAxis::Axial, -100));
  EXPECT_EQ(s.sliceIndex(ViewAxis::Axial), 0);
  EXPECT_FALSE(s.stepSlice(ViewAxis::Axial, -1));
  // Other views' slices are untouched.
  EXPECT_EQ(s.sliceIndex(ViewAxis::Sagittal), 2);
}

TEST(ViewStateTest, VoxelUnderTheMouseFollowsFlips) {
  core::Geometry g = grid(6, 5, 4);
  g.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};  // RAS storage: both in-plane axes flipped for display
  ViewState s;
  s.setGeometry(g);
  core::Index3 v{};
  ASSERT_TRUE(s.voxelAt(ViewAxis::Axial, 0.2, 0.2, v));
  EXPECT_EQ(v, (core::Index3{5, 4, 2}));
  EXPECT_FALSE(s.voxelAt(ViewAxis::Axial, 6.0, 1.0, v));
  EXPECT_FALSE(s.voxelAt(ViewAxis::Axial, -0.1, 1.0, v));
}

TEST(ViewStateTest, RightDragWidensTheWindowAndUpBrightens) {
  ViewState s;
  s.setWindow({40.0, 80.0});
  s.dragWindow(256.0, 0.0);  // one window-width per 256 px, at least 1 unit per 256 px
  EXPECT_DOUBLE_EQ(s.window().width, 160.0);
  EXPECT_DOUBLE_EQ(s.window().center, 40.0);
  s.dragWindow(0.0, -128.0);  // drag up: lower level, brighter image
  EXPECT_DOUBLE_EQ(s.window().center, -40.0);
  s.dragWindow(-100000.0, 0.0);
  EXPECT_GT(s.window().width, 0.0);  // never zero or negative
}

TEST(ViewTransformTest, FitKeepsThePhysicalAspectRatio) {
  // 100 x 50 voxels at 1 x 4 mm: 100 mm wide, 200 mm tall on screen.
  core::Geometry g = grid(100, 10, 50, {1.0, 1.0, 4.0});
  const SliceGeometry coronal = SliceGeometry::forView(g, ViewAxis::Coronal);
  ViewTransform t;
  const ViewRect r = t.sliceRect(coronal, 400, 400);
  EXPECT_DOUBLE_EQ(r.height, 400.0);
  EXPECT_DOUBLE_EQ(r.width, 200.0);
  EXPECT_DOUBLE_EQ(r.left, 100.0);
  EXPECT_DOUBLE_EQ(r.top, 0.0);
}

TEST(ViewTransformTest, ZoomKeepsThePointUnderTheMouseAndClamps) {
  const SliceGeometry axial = SliceGeometry::forView(grid(64, 64, 8), ViewAxis::Axial);
  ViewTransform t;
  const ViewPoint mouse{300.0, 120.0};
  const ViewPoint before = t.widgetToSlice(axial, 512, 512, mouse);
  t.zoomAt(axial, 512, 512, 2.0, mouse);
  EXPECT_DOUBLE_EQ(t.zoom(), 2.0);
  const ViewPoint after = t.widgetToSlice(axial, 512, 512, mouse);
  EXPECT_NEAR(after.x, before.x, 1e-9);
  EXPECT_NEAR(after.y, before.y, 1e-9);
  for (int i = 0; i < 50; ++i) t.zoomAt(axial, 512, 512, 2.0, mouse);
  EXPECT_DOUBLE_EQ(t.zoom(), ViewTransform::kMaxZoom);
  t.panBy(10, -5);
  t.reset();
  EXPECT_DOUBLE_EQ(t.zoom(), 1.0);
  EXPECT_DOUBLE_EQ(t.pan().x, 0.0);
}

TEST(ViewTransformTest, WidgetAndSliceCoordinatesRoundTrip) {
  const SliceGeometry axial = SliceGeometry::forView(grid(30, 20, 8, {0.5, 1.5, 1.0}), ViewAxis::Axial);
  ViewTransform t;
  t.zoomAt(axial, 640, 480, 1.7, {100, 200});
  t.panBy(13, -7);
  const ViewPoint w = t.sliceToWidget(axial, 640, 480, {12.25, 3.5});
  const ViewPoint back = t.widgetToSlice(axial, 640, 480, w);
  EXPECT_NEAR(back.x, 12.25, 1e-9);
  EXPECT_NEAR(back.y, 3.5, 1e-9);
}

TEST(OrientationMarkersTest, RadiologicalLettersForLpsAndRasStorage) {
  for (const core::Mat3& dir : {core::Mat3{1, 0, 0, 0, 1, 0, 0, 0, 1}, core::Mat3{-1, 0, 0, 0, -1, 0, 0, 0, 1}}) {
    core::Geometry g = grid(8, 8, 8);
    g.direction = dir;
    const auto axial = OrientationMarkers::forSlice(g, SliceGeometry::forView(g, ViewAxis::Axial));
    EXPECT_EQ(axial.left, "R");
    EXPECT_EQ(axial.right, "L");
    EXPECT_EQ(axial.top, "A");
    EXPECT_EQ(axial.bottom, "P");
    const auto coronal = OrientationMarkers::forSlice(g, SliceGeometry::forView(g, ViewAxis::Coronal));
    EXPECT_EQ(coronal.left, "R");
    EXPECT_EQ(coronal.top, "S");
    EXPECT_EQ(coronal.bottom, "I");
    const auto sagittal = OrientationMarkers::forSlice(g, SliceGeometry::forView(g, ViewAxis::Sagittal));
    EXPECT_EQ(sagittal.left, "A");
    EXPECT_EQ(sagittal.right, "P");
    EXPECT_EQ(sagittal.top, "S");
  }
}

TEST(OrientationMarkersTest, SagittallyAcquiredVolumeStillShowsAxialLetters) {
  // Voxel axes: i -> posterior, j -> inferior, k -> left (a sagittal acquisition).
  core::Geometry g = grid(8, 8, 8);
  g.direction = {0, 0, 1, 1, 0, 0, 0, -1, 0};
  const SliceGeometry axial = SliceGeometry::forView(g, ViewAxis::Axial);
  EXPECT_EQ(axial.normalAxis, 1);
  const auto m = OrientationMarkers::forSlice(g, axial);
  EXPECT_EQ(m.left, "R");
  EXPECT_EQ(m.right, "L");
  EXPECT_EQ(m.top, "A");
  EXPECT_EQ(m.bottom, "P");
}

}  // namespace
}  // namespace aunet::gui
