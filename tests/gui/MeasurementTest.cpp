// Measurements on the slice views: a ruler's length in mm through spacing and
// direction, a region's area and mean/SD/min/max against the voxels counted here,
// drawing with real mouse events on a view, selecting and deleting, and keeping them
// per image across sessions (ViewerSettings).

#include <gtest/gtest.h>

#include <QListWidget>
#include <QTest>

#include <cmath>

#include "gui/EditHistory.h"
#include "gui/MainWindow.h"
#include "gui/MaskEditor.h"
#include "gui/MeasurementSet.h"
#include "gui/MeasurementTool.h"
#include "gui/SliceView.h"
#include "gui/ViewerDocument.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

// A 20x10x4 image with spacing 0.5 x 2 x 3 mm whose voxel (i, j, k) holds 100 i + j.
core::Volume rampImage() {
  core::Geometry g;
  g.size = {20, 10, 4};
  g.spacing = {0.5, 2.0, 3.0};
  core::Volume image(g, 1);
  for (int64_t k = 0; k < 4; ++k)
    for (int64_t j = 0; j < 10; ++j)
      for (int64_t i = 0; i < 20; ++i) image.at(i, j, k) = static_cast<float>(100 * i + j);
  return image;
}

ViewState stateFor(const core::Volume& image) {
  ViewState state;
  state.setGeometry(image.geometry());
  return state;
}

TEST(MeasurementSetTest, RulerLengthIsInMillimetresThroughTheGrid) {
  const core::Volume image = rampImage();
  const ViewState state = stateFor(image);
  // Axial of an identity-direction grid: screen x runs along -i (patient right on the
  // left) and y along j, so a horizontal ruler of 8 pixels is 8 * 0.5 mm.
  Measurement ruler{MeasurementKind::Ruler, ViewAxis::Axial, 1, {2, 3}, {10, 3}};
  EXPECT_NEAR(MeasurementSet::lengthMm(ruler, state), 4.0, 1e-9);
  ruler.b = {2, 7};  // 4 pixels vertically: 8 mm
  EXPECT_NEAR(MeasurementSet::lengthMm(ruler, state), 8.0, 1e-9);
  ruler.b = {5, 7};  // both: hypotenuse of 1.5 and 8 mm
  EXPECT_NEAR(MeasurementSet::lengthMm(ruler, state), std::hypot(1.5, 8.0), 1e-9);
  EXPECT_EQ(MeasurementSet::describe(ruler, state, &image, 0), QString("Ruler %1 mm").arg(std::hypot(1.5, 8.0), 0, 'f', 1));
}

TEST(MeasurementSetTest, RegionStatisticsCountTheVoxelsWhoseCentresLieInside) {
  const core::Volume image = rampImage();
  const ViewState state = stateFor(image);
  const SliceGeometry& s = state.slice(ViewAxis::Axial);
  // A rectangle over slice pixels x 4..7, y 2..4 (centres at +0.5 inside [4, 8) x [2, 5)).
  const Measurement rect{MeasurementKind::Rectangle, ViewAxis::Axial, 2, {4, 2}, {8, 5}};
  std::vector<double> values;
  for (int64_t y = 2; y < 5; ++y)
    for (int64_t x = 4; x < 8; ++x) {
      const core::Index3 v = s.voxelAt(x, y, 2);
      values.push_back(image.at(v[0], v[1], v[2]));
    }
  double mean = 0;
  for (double v : values) mean += v / values.size();
  double var = 0;
  for (double v : values) var += (v - mean) * (v - mean) / (values.size() - 1);
  const RegionStatistics r = MeasurementSet::regionStatistics(rect, state, image, 0);
  EXPECT_EQ(r.voxels, 12);
  EXPECT_NEAR(r.mean, mean, 1e-9);
  EXPECT_NEAR(r.sd, std::sqrt(var), 1e-9);
  EXPECT_EQ(r.min, *std::min_element(values.begin(), values.end()));
  EXPECT_EQ(r.max, *std::max_element(values.begin(), values.end()));
  EXPECT_NEAR(r.areaMm2, 4 * 0.5 * 3 * 2.0, 1e-9);
  // An ellipse in a 8x6 pixel box: area pi * 4 * 3 pixels, fewer voxels than its box.
  const Measurement ellipse{MeasurementKind::Ellipse, ViewAxis::Axial, 2, {2, 2}, {10, 8}};
  const RegionStatistics e = MeasurementSet::regionStatistics(ellipse, state, image, 0);
  EXPECT_NEAR(e.areaMm2, M_PI * 4 * 3 * 0.5 * 2.0, 1e-9);
  EXPECT_GT(e.voxels, 30);
  EXPECT_LT(e.voxels, 48);
  // Off the image: no voxels, no figures.
  const Measurement outside{MeasurementKind::Rectangle, ViewAxis::Axial, 2, {40, 40}, {50, 50}};
  EXPECT_EQ(MeasurementSet::regionStatistics(outside, state, image, 0).voxels, 0);
}

TEST(MeasurementSetTest, SelectDeleteAndJsonRoundTrip) {
  MeasurementSet set;
  set.add({MeasurementKind::Ruler, ViewAxis::Sagittal, 3, {1, 2}, {3, 4}});
  set.add({MeasurementKind::Ellipse, ViewAxis::Coronal, 5, {1.5, 2.5}, {3, 9}});
  EXPECT_EQ(set.selected(), 1);
  const QString json = set.toJson();
  MeasurementSet copy;
  ASSERT_TRUE(copy.fromJson(json));
  ASSERT_EQ(copy.items().size(), 2u);
  EXPECT_EQ(copy.items()[1].kind, MeasurementKind::Ellipse);
  EXPECT_EQ(copy.items()[1].view, ViewAxis::Coronal);
  EXPECT_EQ(copy.items()[1].slice, 5);
  EXPECT_DOUBLE_EQ(copy.items()[1].a.x, 1.5);
  EXPECT_DOUBLE_EQ(copy.items()[1].b.y, 9);
  EXPECT_TRUE(set.removeSelected());
  ASSERT_EQ(set.items().size(), 1u);
  EXPECT_EQ(set.selected(), -1);
  EXPECT_FALSE(set.removeSelected());
  EXPECT_FALSE(copy.fromJson("[{\"kind\": \"protractor\"}]"));
  EXPECT_TRUE(copy.items().empty());
}

TEST(MeasurementToolTest, DrawsWithTheMouseDeletesAndComesBackWithTheImage) {
  testing::application();
  QTemporaryDir dir;
  const auto files = testing::writePhantom(dir);
  const QString ini = dir.filePath("viewer.ini");
  {
    MainWindow window(SegmenterFactory{}, std::make_unique<ViewerSettings>(ini));
    window.setInteractive(false);
    window.resize(1200, 900);
    window.show();
    ASSERT_TRUE(window.openImage(QString::fromStdString(files.image)));
    window.maximizeView(ViewAxis::Axial);
    QCoreApplication::processEvents();
    SliceView* view = window.view(ViewAxis::Axial);
    MeasurementSet& set = window.controller().measurements();
    // Ruler: a drag of 100 widget pixels; its length is those pixels in slice pixels times the spacing.
    window.measurementTool().setMode(MeasurementTool::Mode::Ruler);
    const core::Index3 cursorBefore = window.viewState().cursor();
    QTest::mousePress(view, Qt::LeftButton, {}, QPoint(200, 300));
    QTest::mouseMove(view, QPoint(250, 300));
    QTest::mouseMove(view, QPoint(300, 300));
    QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(300, 300));
    ASSERT_EQ(set.items().size(), 1u);
    EXPECT_EQ(window.viewState().cursor(), cursorBefore);  // measuring does not move the crosshair
    const Measurement& ruler = set.items()[0];
    const double pixels = std::abs(view->toSlice({300, 300}).x - view->toSlice({200, 300}).x);
    EXPECT_NEAR(MeasurementSet::lengthMm(ruler, window.viewState()),
                pixels * window.viewState().slice(ViewAxis::Axial).horizontalSpacing, 1e-6);
    // Rectangle region over the phantom, listed with its figures.
    window.measurementTool().setMode(MeasurementTool::Mode::Rectangle);
    QTest::mousePress(view, Qt::LeftButton, {}, QPoint(350, 250));
    QTest::mouseMove(view, QPoint(400, 300));
    QTest::mouseRelease(view, Qt::LeftButton, {}, QPoint(450, 350));
    ASSERT_EQ(set.items().size(), 2u);
    auto* list = window.findChild<QListWidget*>("measurementList");
    ASSERT_NE(list, nullptr);
    ASSERT_EQ(list->count(), 2);
    EXPECT_TRUE(list->item(1)->text().startsWith("Rectangle")) << list->item(1)->text().toStdString();
    EXPECT_TRUE(list->item(1)->text().contains("mean")) << list->item(1)->text().toStdString();
    // A click without a drag adds nothing.
    QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(100, 100));
    EXPECT_EQ(set.items().size(), 2u);
    // Without a tool, clicking the ruler selects it and Delete removes it.
    window.measurementTool().setMode(MeasurementTool::Mode::None);
    QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(250, 301));
    EXPECT_EQ(set.selected(), 0);
    view->setFocus();
    QTest::keyClick(view, Qt::Key_Delete);
    ASSERT_EQ(set.items().size(), 1u);
    EXPECT_EQ(set.items()[0].kind, MeasurementKind::Rectangle);
    // With the brush on, a click on a measurement still selects it (the measurement
    // tool is offered the mouse before the editor); a click elsewhere paints.
    window.controller().editor().setTool(EditTool::Brush);
    const size_t edits = window.controller().history().size();
    ASSERT_EQ(set.selected(), -1);
    QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(350, 300));
    EXPECT_EQ(set.selected(), 0);
    EXPECT_EQ(window.controller().history().size(), edits);
    QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(300, 320));
    EXPECT_GT(window.controller().history().size(), edits);  // a new mask, then the dab
    window.controller().editor().setTool(EditTool::Navigate);
    // Another image: its own (no) measurements.
    core::Volume other = *window.document().image();
    io::writeImage(other, dir.filePath("other.nii.gz").toStdString());
    ASSERT_TRUE(window.openImage(dir.filePath("other.nii.gz")));
    EXPECT_TRUE(set.items().empty());
  }
  // A new session: the first image's rectangle is back.
  MainWindow again(SegmenterFactory{}, std::make_unique<ViewerSettings>(ini));
  again.setInteractive(false);
  ASSERT_TRUE(again.openImage(QString::fromStdString(files.image)));
  ASSERT_EQ(again.controller().measurements().items().size(), 1u);
  EXPECT_EQ(again.controller().measurements().items()[0].kind, MeasurementKind::Rectangle);
}

}  // namespace
}  // namespace aunet::gui
