// Slice rendering: radiological orientation from the direction matrix, window/level,
// label and attention overlays.

#include <gtest/gtest.h>

#include "gui/SliceRenderer.h"

namespace aunet::gui {
namespace {

core::Volume ramp(const core::Geometry& g) {
  core::Volume v(g, 1);
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) v.at(i, j, k) = static_cast<float>(i + 100 * j + 10000 * k);
  return v;
}

core::Geometry grid(int64_t ni, int64_t nj, int64_t nk) {
  core::Geometry g;
  g.size = {ni, nj, nk};
  return g;
}

TEST(SliceGeometryTest, IdentityLpsAxialShowsPatientRightOnTheLeft) {
  // Identity LPS: i grows towards patient left, j towards posterior.
  const SliceGeometry s = SliceGeometry::forView(grid(5, 4, 3), ViewAxis::Axial);
  EXPECT_EQ(s.horizontalAxis, 0);
  EXPECT_EQ(s.verticalAxis, 1);
  EXPECT_EQ(s.normalAxis, 2);
  EXPECT_FALSE(s.flipHorizontal);  // i = 0 (patient right) on screen left
  EXPECT_FALSE(s.flipVertical);    // j = 0 (anterior) at the top
  EXPECT_EQ(s.width, 5);
  EXPECT_EQ(s.height, 4);
}

TEST(SliceGeometryTest, RasStoredImagesAreFlippedBack) {
  core::Geometry g = grid(5, 4, 3);
  g.direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};  // NIfTI RAS as ITK sees it
  const SliceGeometry axial = SliceGeometry::forView(g, ViewAxis::Axial);
  EXPECT_TRUE(axial.flipHorizontal);
  EXPECT_TRUE(axial.flipVertical);
  const SliceGeometry coronal = SliceGeometry::forView(g, ViewAxis::Coronal);
  EXPECT_EQ(coronal.verticalAxis, 2);
  EXPECT_TRUE(coronal.flipVertical);  // superior (high k) at the top
  const SliceGeometry sagittal = SliceGeometry::forView(g, ViewAxis::Sagittal);
  EXPECT_EQ(sagittal.horizontalAxis, 1);
  EXPECT_TRUE(sagittal.flipHorizontal);  // -y direction: anterior is high j, drawn on the left
  EXPECT_EQ(sagittal.voxelAt(0, 0, 2), (core::Index3{2, 3, 2}));
}

TEST(SliceRendererTest, WindowLevelMapsTheRangeToGrey) {
  const core::Volume v = ramp(grid(5, 4, 3));
  const SliceGeometry s = SliceGeometry::forView(v.geometry(), ViewAxis::Axial);
  // Window [0, 4] over the first row (values 0..4 along i).
  const QImage img = SliceRenderer::renderImage(v, s, 0, {2.0, 4.0});
  ASSERT_EQ(img.width(), 5);
  ASSERT_EQ(img.height(), 4);
  EXPECT_EQ(qGray(img.pixel(0, 0)), 0);
  EXPECT_EQ(qGray(img.pixel(2, 0)), 127);
  EXPECT_EQ(qGray(img.pixel(4, 0)), 255);
  EXPECT_EQ(qGray(img.pixel(0, 1)), 255);  // 100, above the window
}

TEST(SliceRendererTest, LabelsAreBlendedWhereTheyAreAndHiddenOnRequest) {
  const core::Geometry g = grid(6, 6, 2);
  core::Volume v(g, 1);
  core::LabelMap labels(g);
  labels.at(1, 2, 1) = 1;
  labels.at(4, 4, 1) = 2;
  const SliceGeometry s = SliceGeometry::forView(g, ViewAxis::Axial);
  auto palette = model::LabelInfo::defaults(3);  // 1 red, 2 green
  QImage img = SliceRenderer::renderImage(v, s, 1, {0.5, 1.0});
  SliceRenderer::overlayLabels(img, labels, s, 1, palette, {1.0, false, {2}});
  EXPECT_EQ(img.pixel(1, 2), qRgb(255, 0, 0));
  EXPECT_EQ(img.pixel(4, 4), qRgb(0, 0, 0));  // hidden
  EXPECT_EQ(img.pixel(0, 0), qRgb(0, 0, 0));
  QImage half = SliceRenderer::renderImage(v, s, 1, {0.5, 1.0});
  SliceRenderer::overlayLabels(half, labels, s, 1, palette, {0.5, false, {}});
  EXPECT_EQ(half.pixel(4, 4), qRgb(0, 128, 0));
}

TEST(SliceRendererTest, OutlineDrawsOnlyTheBorder) {
  const core::Geometry g = grid(9, 9, 1);
  core::Volume v(g, 1);
  core::LabelMap labels(g);
  for (int j = 2; j <= 6; ++j)
    for (int i = 2; i <= 6; ++i) labels.at(i, j, 0) = 1;
  const SliceGeometry s = SliceGeometry::forView(g, ViewAxis::Axial);
  QImage img = SliceRenderer::renderImage(v, s, 0, {0.5, 1.0});
  SliceRenderer::overlayLabels(img, labels, s, 0, model::LabelInfo::defaults(2), {1.0, true, {}});
  EXPECT_EQ(img.pixel(2, 4), qRgb(255, 0, 0));
  EXPECT_EQ(img.pixel(4, 4), qRgb(0, 0, 0));
}

TEST(SliceRendererTest, HeatOverlayRespectsThreshold) {
  const core::Geometry g = grid(4, 1, 1);
  core::Volume v(g, 1), heat(g, 1);
  heat.at(0, 0, 0) = 0.05f;
  heat.at(1, 0, 0) = 1.0f;
  const SliceGeometry s = SliceGeometry::forView(g, ViewAxis::Axial);
  QImage img = SliceRenderer::renderImage(v, s, 0, {0.5, 1.0});
  SliceRenderer::overlayHeat(img, heat, s, 0, {1.0, 0.1});
  EXPECT_EQ(img.pixel(0, 0), qRgb(0, 0, 0));
  EXPECT_EQ(img.pixel(1, 0), qRgb(255, 255, 255));
  EXPECT_EQ(SliceRenderer::heatColor(0.5), qRgb(255, 128, 0));
}

}  // namespace
}  // namespace aunet::gui
