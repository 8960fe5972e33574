// The main window driven through its API (no dialogs): opening generated NIfTI files,
// error paths, window memory, segmentation through a fake factory, saving, and the
// rendered overlay pixels of a real grab of the window. The Screenshot test also runs
// under xvfb (test gui.xvfb_end_to_end) with the X11 platform plugin.

#include <gtest/gtest.h>

#include "tests/support/SharedData.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QPushButton>
#include <QSpinBox>

#include <cmath>

#include "gui/LabelTableModel.h"
#include "gui/MainWindow.h"
#include "gui/OverlayPanel.h"
#include "gui/SegmentationJob.h"
#include "gui/SegmentationPanel.h"
#include "gui/SliceView.h"
#include "gui/ViewerDocument.h"
#include "imaging/LabelStatistics.h"
#include "io/ImageReader.h"
#include "io/ReadIsolation.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

using testing::FakeSegmenter;
using testing::waitUntil;

class MainWindowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::application();
    ASSERT_TRUE(dir_.isValid());
    window_ = makeWindow();
    QObject::connect(window_.get(), &MainWindow::errorOccurred, [this](const QString& m) { errors_ << m; });
  }
  std::unique_ptr<MainWindow> makeWindow(SegmenterFactory factory = {}) {
    auto settings = std::make_unique<ViewerSettings>(dir_.filePath("viewer.ini"));
    settings->setRecoveryFolder(dir_.filePath("recovery"));  // never the user's own
    auto w = std::make_unique<MainWindow>(std::move(factory), std::move(settings));
    w->setInteractive(false);
    w->resize(1200, 800);
    return w;
  }
  QTemporaryDir dir_;
  std::unique_ptr<MainWindow> window_;
  QStringList errors_;
};

TEST_F(MainWindowTest, OpensAGeneratedNiftiWithItsMask) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image))) << errors_.join("\n").toStdString();
  EXPECT_TRUE(window_->document().hasImage());
  EXPECT_EQ(window_->viewState().geometry().size, testing::phantomGrid().size);
  EXPECT_EQ(window_->viewState().cursor(), (core::Index3{24, 20, 12}));
  ASSERT_TRUE(window_->openMask(QString::fromStdString(files.mask)));
  // The legend lists both phantom labels with their exact voxel counts.
  LabelTableModel* legend = window_->legend();
  ASSERT_EQ(legend->rowCount(), 2);
  EXPECT_EQ(legend->statistics()[0].voxelCount, files.phantom.labels.count(1));
  EXPECT_EQ(legend->statistics()[1].voxelCount, files.phantom.labels.count(2));
  EXPECT_NEAR(legend->statistics()[0].volumeMl, files.phantom.labels.count(1) * 2.5 / 1000.0, 1e-9);
  EXPECT_TRUE(errors_.isEmpty());
  EXPECT_EQ(window_->settings().recentFiles().front(), QString::fromStdString(files.mask));
  // Double clicking the lesion in the legend puts the crosshair on it.
  ASSERT_TRUE(window_->jumpToLabel(2));
  const core::Index3 c = window_->viewState().cursor();
  EXPECT_EQ(files.phantom.labels.at(c[0], c[1], c[2]), 2);
  EXPECT_FALSE(window_->jumpToLabel(9));
}

TEST_F(MainWindowTest, MasksModelsAndStatisticsLoadInTheBackground) {
  window_ = makeWindow([](const std::string&) { return std::make_unique<FakeSegmenter>(); });
  QObject::connect(window_.get(), &MainWindow::errorOccurred, [this](const QString& m) { errors_ << m; });
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  // Returns before anything is read: the UI thread only starts the job.
  ASSERT_TRUE(window_->openMaskInBackground(QString::fromStdString(files.mask)));
  ASSERT_TRUE(window_->openReferenceInBackground(QString::fromStdString(files.mask)));
  ASSERT_TRUE(window_->openModelInBackground("fake.aunet"));
  EXPECT_GE(window_->pendingJobs(), 3);
  EXPECT_EQ(window_->document().labels(), nullptr);
  EXPECT_EQ(window_->legend()->rowCount(), 0);
  ASSERT_TRUE(window_->waitForBackgroundJobs(20000)) << errors_.join("\n").toStdString();
  EXPECT_EQ(window_->pendingJobs(), 0);
  ASSERT_NE(window_->document().labels(), nullptr);
  ASSERT_NE(window_->document().reference(), nullptr);
  // The statistics job ran after the masks arrived: counts and Dice are in the legend.
  ASSERT_EQ(window_->legend()->rowCount(), 2);
  EXPECT_EQ(window_->legend()->statistics()[0].voxelCount, files.phantom.labels.count(1));
  ASSERT_TRUE(window_->legend()->statistics()[0].dice.has_value());
  EXPECT_DOUBLE_EQ(*window_->legend()->statistics()[0].dice, 1.0);
  EXPECT_TRUE(window_->segmentationPanel()->segmentButton()->isEnabled());
  // A failing job is reported once and the wait says so.
  ASSERT_TRUE(window_->openMaskInBackground(dir_.filePath("missing.nii.gz")));
  EXPECT_FALSE(window_->waitForBackgroundJobs(20000));
  EXPECT_TRUE(errors_.last().contains("missing.nii.gz")) << errors_.join("\n").toStdString();
  // A mask job started on one image does not land on the next.
  ASSERT_TRUE(window_->openMaskInBackground(QString::fromStdString(files.mask)));
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  window_->waitForBackgroundJobs(20000);
  EXPECT_EQ(window_->document().labels(), nullptr);
}

TEST_F(MainWindowTest, LoadsInTheBackground) {
  const auto files = testing::writePhantom(dir_);
  window_->openImageInBackground(QString::fromStdString(files.image));
  EXPECT_TRUE(window_->isLoading() || window_->document().hasImage());
  ASSERT_TRUE(waitUntil([&] { return window_->document().hasImage(); }));
  EXPECT_FALSE(window_->isLoading());
  EXPECT_EQ(window_->viewState().geometry().size, testing::phantomGrid().size);
  window_->openImageInBackground(dir_.filePath("missing.nii.gz"));
  ASSERT_TRUE(waitUntil([&] { return !errors_.isEmpty(); }));
  EXPECT_TRUE(errors_[0].contains("missing.nii.gz"));
  EXPECT_TRUE(window_->document().hasImage());  // the open study stays
}

TEST_F(MainWindowTest, BadFilesEmitAnErrorAndKeepTheOpenStudy) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  const QString garbage = dir_.filePath("broken.nii.gz");
  QFile f(garbage);
  ASSERT_TRUE(f.open(QIODevice::WriteOnly));
  f.write("this is not a NIfTI file at all");
  f.close();
  EXPECT_FALSE(window_->openImage(garbage));
  ASSERT_EQ(errors_.size(), 1);
  EXPECT_TRUE(errors_[0].contains("broken.nii.gz")) << errors_[0].toStdString();
  EXPECT_FALSE(window_->openImage(dir_.filePath("missing.nii")));
  EXPECT_FALSE(window_->openMask(garbage));
  EXPECT_EQ(errors_.size(), 3);
  // The study that was open is still there.
  EXPECT_EQ(window_->document().imagePath(), QFileInfo(QString::fromStdString(files.image)).absoluteFilePath().toStdString());
  // Saving without a mask and segmenting without a model fail with reasons, no crash.
  EXPECT_FALSE(window_->saveMask(dir_.filePath("out.nii.gz")));
  EXPECT_FALSE(window_->startSegmentation());
  EXPECT_EQ(errors_.size(), 5);
}

// aunet-viewer reads through aunet-image-reader (app/viewer_main.cpp): a decoder that
// crashes on a file is an error message, and the viewer and its open study live on.
TEST_F(MainWindowTest, ADecoderCrashInTheReaderProcessIsAnErrorNotACrash) {
  const auto files = testing::writePhantom(dir_);
  io::setReadIsolation(io::ReadIsolation{std::string(AUNET_BINARY_DIR) + "/bin/aunet-image-reader", 60.0});
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));  // the real helper
  const QString crashing = dir_.filePath("abort.sh");
  QFile script(crashing);
  ASSERT_TRUE(script.open(QIODevice::WriteOnly));
  script.write("#!/bin/sh\nkill -ABRT $$\n");
  script.close();
  script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
  io::setReadIsolation(io::ReadIsolation{crashing.toStdString(), 60.0});
  EXPECT_FALSE(window_->openImage(QString::fromStdString(files.image)));
  io::setReadIsolation({});
  ASSERT_EQ(errors_.size(), 1);
  EXPECT_TRUE(errors_[0].contains("crashed with signal 6 (Aborted)")) << errors_[0].toStdString();
  EXPECT_EQ(window_->document().imagePath(), QFileInfo(QString::fromStdString(files.image)).absoluteFilePath().toStdString());
}

TEST_F(MainWindowTest, MaskBeforeImageAndNonOverlappingMaskAreErrors) {
  const auto files = testing::writePhantom(dir_);
  EXPECT_FALSE(window_->openMask(QString::fromStdString(files.mask)));
  ASSERT_EQ(errors_.size(), 1);
  EXPECT_TRUE(errors_[0].contains("open an image"));
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  // A mask far away in physical space lines up with nothing.
  core::Geometry far = testing::phantomGrid();
  far.origin = {5000.0, 0.0, 0.0};
  core::LabelMap labels(far);
  std::fill(labels.labels().begin(), labels.labels().end(), 1);
  const QString farPath = dir_.filePath("far.nii.gz");
  io::writeLabelMap(labels, farPath.toStdString());
  EXPECT_FALSE(window_->openMask(farPath));
  EXPECT_TRUE(errors_.back().contains("does not overlap")) << errors_.back().toStdString();
  EXPECT_EQ(window_->document().labels(), nullptr);
}

TEST_F(MainWindowTest, MaskStoredWithFlippedRowsIsMovedThroughPhysicalSpace) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  // The same mask stored with j running the other way (as ct_dicom_seg.nii.gz is).
  core::LabelMap flipped = files.phantom.labels;
  core::Geometry& g = flipped.geometry();
  g.direction[4] = -g.direction[4];
  g.origin[1] = files.phantom.labels.geometry().indexToPhysical({0, static_cast<double>(g.size[1] - 1), 0})[1];
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) flipped.at(i, g.size[1] - 1 - j, k) = files.phantom.labels.at(i, j, k);
  const QString path = dir_.filePath("flipped_seg.nii.gz");
  io::writeLabelMap(flipped, path.toStdString());
  ASSERT_TRUE(window_->openMask(path)) << errors_.join("\n").toStdString();
  EXPECT_EQ(window_->document().labels()->labels(), files.phantom.labels.labels());
}

TEST_F(MainWindowTest, DroppedFilesOpenAsImageThenMask) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openAny(QString::fromStdString(files.image)));
  EXPECT_EQ(window_->document().labels(), nullptr);
  ASSERT_TRUE(window_->openAny(QString::fromStdString(files.mask)));  // integer, same grid: a mask
  ASSERT_NE(window_->document().labels(), nullptr);
  EXPECT_TRUE(window_->document().hasImage());
  EXPECT_FALSE(window_->openAny(dir_.filePath("model.aunet")));  // no pipeline in this window
  ASSERT_EQ(errors_.size(), 1);
  EXPECT_TRUE(errors_[0].contains("not available")) << errors_[0].toStdString();
}

TEST_F(MainWindowTest, AttentionMapsFromFilesKeepTheirLevelAndRange) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  core::Volume map(files.phantom.image.geometry(), 1);
  std::fill(map.voxels().begin(), map.voxels().end(), 0.75f);
  io::writeImage(map, dir_.filePath("attention_level3.nii.gz").toStdString());
  ASSERT_TRUE(window_->openAttention(dir_.filePath("attention_level3.nii.gz")));
  ASSERT_EQ(window_->document().attentionLevels(), std::vector<int64_t>{3});
  EXPECT_EQ(window_->overlayPanel()->attentionCombo()->currentText(), "level 3");
  // The image itself is no attention map: values far outside [0, 1].
  EXPECT_FALSE(window_->openAttention(QString::fromStdString(files.image)));
  EXPECT_TRUE(errors_.back().contains("[0, 1]")) << errors_.back().toStdString();
}

TEST_F(MainWindowTest, ReferenceMaskAddsDiceToTheLegend) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  ASSERT_TRUE(window_->openMask(QString::fromStdString(files.mask)));
  ASSERT_TRUE(window_->openReference(QString::fromStdString(files.mask)));
  ASSERT_EQ(window_->legend()->columnCount(), 4);
  EXPECT_EQ(window_->legend()->data(window_->legend()->index(0, LabelTableModel::Dice), Qt::DisplayRole).toString(),
            "1.000");
}

TEST_F(MainWindowTest, WindowPresetsApplyAndTheLastWindowIsRemembered) {
  const auto files = testing::writePhantom(dir_);
  const QString image = QString::fromStdString(files.image);
  ASSERT_TRUE(window_->openImage(image));
  QComboBox* combo = window_->windowCombo();
  const int lung = combo->findText("CT lung", Qt::MatchStartsWith);
  ASSERT_GE(lung, 0);
  window_->applyPreset(lung);
  EXPECT_DOUBLE_EQ(window_->viewState().window().center, -600.0);
  EXPECT_DOUBLE_EQ(window_->viewState().window().width, 1500.0);
  EXPECT_EQ(combo->currentIndex(), lung);
  window_->applyWindow({123.0, 45.0});
  EXPECT_EQ(combo->currentIndex(), -1);  // a custom window is no preset
  window_->close();  // saves the window for this study
  window_ = makeWindow();
  ASSERT_TRUE(window_->openImage(image));
  EXPECT_DOUBLE_EQ(window_->viewState().window().center, 123.0);
  EXPECT_DOUBLE_EQ(window_->viewState().window().width, 45.0);
}

TEST_F(MainWindowTest, AMaskOpenedWithAModelUsesTheModelsLabelNames) {
  window_ = makeWindow([](const std::string&) { return std::make_unique<FakeSegmenter>(); });
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  ASSERT_TRUE(window_->openMask(QString::fromStdString(files.mask)));
  EXPECT_EQ(window_->document().labelName(1), "label 1");  // default palette before a model
  ASSERT_TRUE(window_->openModel("fake.aunet"));
  EXPECT_EQ(window_->document().labelName(1), "organ");
}

TEST_F(MainWindowTest, SegmentsInTheBackgroundAndShowsTheResult) {
  window_ = makeWindow([](const std::string&) { return std::make_unique<FakeSegmenter>(10, 20); });
  QObject::connect(window_.get(), &MainWindow::errorOccurred, [this](const QString& m) { errors_ << m; });
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  ASSERT_TRUE(window_->openModel("fake.aunet"));
  EXPECT_TRUE(window_->segmentationPanel()->segmentButton()->isEnabled());
  bool finished = false, ok = false;
  QObject::connect(window_.get(), &MainWindow::segmentationFinished, [&](bool success) {
    finished = true;
    ok = success;
  });
  ASSERT_TRUE(window_->startSegmentation());
  EXPECT_FALSE(window_->segmentationPanel()->segmentButton()->isEnabled());
  EXPECT_TRUE(window_->segmentationPanel()->cancelButton()->isEnabled());
  ASSERT_TRUE(waitUntil([&] { return finished; }));
  EXPECT_TRUE(ok) << errors_.join("\n").toStdString();
  ASSERT_NE(window_->document().labels(), nullptr);
  EXPECT_GT(window_->document().labels()->count(1), 0);
  EXPECT_EQ(window_->document().labelName(1), "organ");  // names from the model
  ASSERT_EQ(window_->document().attention().size(), 1u);
  EXPECT_EQ(window_->overlaySettings().attentionIndex, 0);  // shown right away
  // Saving the result: mask, attention maps, statistics.
  ASSERT_TRUE(window_->saveMask(dir_.filePath("result.nii.gz")));
  EXPECT_EQ(io::readLabelMap(dir_.filePath("result.nii.gz").toStdString()).labels(),
            window_->document().labels()->labels());
  ASSERT_TRUE(window_->saveAttention(dir_.filePath("attention")));
  EXPECT_TRUE(QFile::exists(dir_.filePath("attention/attention_level2.nii.gz")));
  ASSERT_TRUE(window_->saveStatistics(dir_.filePath("stats.csv")));
  QFile csv(dir_.filePath("stats.csv"));
  ASSERT_TRUE(csv.open(QIODevice::ReadOnly));
  const QString text = QString::fromUtf8(csv.readAll());
  // The report `aunet segment --stats` writes, named after the image.
  EXPECT_TRUE(text.startsWith(QString::fromStdString(imaging::labelStatisticsCsvHeader()) + "image,1,organ,"))
      << text.toStdString();
}

TEST_F(MainWindowTest, CancelledSegmentationLeavesTheMaskAlone) {
  window_ = makeWindow([](const std::string&) { return std::make_unique<FakeSegmenter>(1000, 10); });
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  ASSERT_TRUE(window_->openModel("fake.aunet"));
  bool finished = false, ok = true;
  QObject::connect(window_.get(), &MainWindow::segmentationFinished, [&](bool success) {
    finished = true;
    ok = success;
  });
  double progress = 0.0;
  QObject::connect(window_->segmentationJob(), &SegmentationJob::progressChanged,
                   [&](double fraction, const QString&) { progress = fraction; });
  bool cancelled = false;
  QObject::connect(window_->segmentationJob(), &SegmentationJob::cancelled, [&] { cancelled = true; });
  ASSERT_TRUE(window_->startSegmentation());
  // Cancel once the worker is really running (it reports progress), not after a guess.
  ASSERT_TRUE(waitUntil([&] { return progress > 0.0; }, 5000));
  window_->cancelSegmentation();
  ASSERT_TRUE(waitUntil([&] { return finished; }, 3000));
  EXPECT_FALSE(ok);
  EXPECT_TRUE(cancelled) << "it ended, but not by the cancellation";
  EXPECT_LT(progress, 1.0);
  EXPECT_EQ(window_->document().labels(), nullptr);
}

TEST_F(MainWindowTest, LayoutsAndTwoDimensionalImages) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  window_->show();
  window_->maximizeView(ViewAxis::Coronal);
  EXPECT_TRUE(window_->view(ViewAxis::Coronal)->isVisible());
  EXPECT_FALSE(window_->view(ViewAxis::Axial)->isVisible());
  EXPECT_EQ(window_->activeView(), window_->view(ViewAxis::Coronal));
  window_->showAllViews();
  EXPECT_TRUE(window_->view(ViewAxis::Axial)->isVisible());
  EXPECT_TRUE(window_->view(ViewAxis::Sagittal)->isVisible());
  // A 2D image shows one (axial) view only.
  core::Geometry g2;
  g2.size = {32, 24, 1};
  const QString png = dir_.filePath("slice.nii.gz");
  io::writeImage(core::Phantom::ellipsoids(g2, 1, 1.0).image, png.toStdString());
  ASSERT_TRUE(window_->openImage(png));
  EXPECT_TRUE(window_->isMaximized(ViewAxis::Axial));
}

// Where voxel (i, j, k) of the axial view lands in the view widget.
QPoint widgetPointOf(MainWindow& w, const core::Index3& voxel) {
  const ViewState& s = w.viewState();
  const SliceGeometry& sg = s.slice(ViewAxis::Axial);
  const int64_t h = voxel[sg.horizontalAxis], v = voxel[sg.verticalAxis];
  const double x = (sg.flipHorizontal ? sg.width - 1 - h : h) + 0.5;
  const double y = (sg.flipVertical ? sg.height - 1 - v : v) + 0.5;
  SliceView* view = w.view(ViewAxis::Axial);
  const ViewPoint p = s.transform(ViewAxis::Axial).sliceToWidget(sg, view->width(), view->height(), {x, y});
  return {static_cast<int>(std::lround(p.x - 0.5)), static_cast<int>(std::lround(p.y - 0.5))};
}

TEST_F(MainWindowTest, ScreenshotShowsTheOverlayWhereTheMaskIs) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  ASSERT_TRUE(window_->openMask(QString::fromStdString(files.mask)));
  window_->show();
  QCoreApplication::processEvents();
  // Two voxels of the axial slice through the cursor, away from the crosshair: one in
  // the organ (label 1), one in the background.
  const auto& labels = files.phantom.labels;
  const core::Index3 c = window_->viewState().cursor();
  core::Index3 organ{-1, -1, -1}, background{-1, -1, -1};
  for (int64_t j = 2; j < labels.geometry().size[1] - 2; ++j)
    for (int64_t i = 2; i < labels.geometry().size[0] - 2; ++i) {
      if (std::abs(i - c[0]) < 3 || std::abs(j - c[1]) < 3) continue;
      bool uniform = true;  // a 5x5 patch of one label, so smoothing cannot mix neighbours in
      for (int dj = -2; dj <= 2; ++dj)
        for (int di = -2; di <= 2; ++di) uniform &= labels.at(i + di, j + dj, c[2]) == labels.at(i, j, c[2]);
      if (!uniform) continue;
      if (labels.at(i, j, c[2]) == 1 && organ[0] < 0) organ = {i, j, c[2]};
      if (labels.at(i, j, c[2]) == 0 && background[0] < 0) background = {i, j, c[2]};
    }
  ASSERT_GE(organ[0], 0);
  ASSERT_GE(background[0], 0);
  const QImage shot = window_->view(ViewAxis::Axial)->grab().toImage();
  const QRgb inOrgan = shot.pixel(widgetPointOf(*window_, organ));
  const QRgb inBackground = shot.pixel(widgetPointOf(*window_, background));
  // Label 1 is red at 50 %: red clearly above green and blue; the background stays grey.
  EXPECT_GT(qRed(inOrgan), qGreen(inOrgan) + 60) << std::hex << inOrgan;
  EXPECT_NEAR(qRed(inBackground), qGreen(inBackground), 2) << std::hex << inBackground;
  EXPECT_NEAR(qBlue(inBackground), qGreen(inBackground), 2);
  // Patient right is on the screen's left: the RAS-stored image's voxel i = size-1 (patient right) draws left of i = 0.
  EXPECT_LT(widgetPointOf(*window_, {labels.geometry().size[0] - 1, c[1], c[2]}).x(),
            widgetPointOf(*window_, {0, c[1], c[2]}).x());
  // Hiding label 1 in the legend removes its colour.
  window_->legend()->setLabelVisible(1, false);
  const QImage hidden = window_->view(ViewAxis::Axial)->grab().toImage();
  const QRgb organHidden = hidden.pixel(widgetPointOf(*window_, organ));
  EXPECT_NEAR(qRed(organHidden), qGreen(organHidden), 2) << std::hex << organHidden;
  // Export of the active view writes that picture.
  ASSERT_TRUE(window_->exportView(dir_.filePath("view.png")));
  EXPECT_FALSE(QImage(dir_.filePath("view.png")).isNull());
}

TEST_F(MainWindowTest, PatientLeftIsOnTheScreenRightAndAnteriorUp) {
  // Intensity from physical position only: +100 on the patient's left (LPS x > centre),
  // +50 anterior (LPS y < centre). Stored RAS, so voxel order is the opposite of the screen's.
  const core::Geometry g = testing::phantomGrid();
  core::Volume image(g, 1);
  const core::Vec3 centre = g.indexToPhysical({(g.size[0] - 1) / 2.0, (g.size[1] - 1) / 2.0, (g.size[2] - 1) / 2.0});
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        image.at(i, j, k) = (p[0] > centre[0] ? 100.0f : 0.0f) + (p[1] < centre[1] ? 50.0f : 0.0f);
      }
  const QString path = dir_.filePath("quadrants.nii.gz");
  io::writeImage(image, path.toStdString());
  ASSERT_TRUE(window_->openImage(path));
  window_->applyWindow({75.0, 150.0});
  window_->overlaySettings().crosshair = false;
  window_->show();
  QCoreApplication::processEvents();
  SliceView* view = window_->view(ViewAxis::Axial);
  const QImage shot = view->grab().toImage();
  const ViewRect r = window_->viewState().transform(ViewAxis::Axial).sliceRect(
      window_->viewState().slice(ViewAxis::Axial), view->width(), view->height());
  const auto grey = [&](double fx, double fy) {
    return qGreen(shot.pixel(int(r.left + fx * r.width), int(r.top + fy * r.height)));
  };
  EXPECT_NEAR(grey(0.75, 0.25), 255, 2);  // screen top right: patient left, anterior
  EXPECT_NEAR(grey(0.25, 0.25), 85, 2);   // top left: patient right, anterior
  EXPECT_NEAR(grey(0.75, 0.75), 170, 2);  // bottom right: patient left, posterior
  EXPECT_NEAR(grey(0.25, 0.75), 0, 2);
}

TEST_F(MainWindowTest, StatusBarDescribesTheVoxelUnderTheMouse) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  ASSERT_TRUE(window_->openMask(QString::fromStdString(files.mask)));
  window_->show();
  QCoreApplication::processEvents();
  SliceView* view = window_->view(ViewAxis::Axial);
  // A voxel of label 2, so the label part of the line is checked, not skipped.
  core::Index3 voxel{};
  ASSERT_TRUE(imaging::labelCentreVoxel(files.phantom.labels, 2, voxel));
  Q_EMIT view->hovered(true, voxel);
  const QString text = window_->statusText();
  const core::Vec3 p = files.phantom.image.geometry().indexToPhysical(
      {static_cast<double>(voxel[0]), static_cast<double>(voxel[1]), static_cast<double>(voxel[2])});
  EXPECT_TRUE(text.contains(QString("voxel (%1, %2, %3)").arg(voxel[0]).arg(voxel[1]).arg(voxel[2]))) << text.toStdString();
  EXPECT_TRUE(text.contains(QString("LPS (%1,").arg(p[0], 0, 'f', 1))) << text.toStdString();
  EXPECT_TRUE(text.contains("label 2 label 2")) << text.toStdString();
}

TEST_F(MainWindowTest, OpensTheRealDicomSeriesWhenTheSharedDataIsThere) {
  QString data = qEnvironmentVariable("AUNET_SHARED_DATA");
  if (data.isEmpty()) data = QString(AUNET_SOURCE_DIR) + "/../shared/data";
  const QString series = data + "/totalsegmentator-example/ct_dicom";
  if (!QFileInfo(series).isDir()) AUNET_SHARED_MISSING("shared data not found at " << data.toStdString());
  ASSERT_TRUE(window_->openImage(series)) << errors_.join("\n").toStdString();
  EXPECT_EQ(window_->viewState().geometry().size, (core::Index3{512, 512, 20}));
  // The segmentation's rows run the other way; through physical space it lines up.
  ASSERT_TRUE(window_->openMask(data + "/totalsegmentator-example/ct_dicom_seg.nii.gz"))
      << errors_.join("\n").toStdString();
  EXPECT_GT(window_->legend()->rowCount(), 3);
  EXPECT_GE(window_->windowCombo()->findText("CT bone", Qt::MatchStartsWith), 0);
}

}  // namespace
}  // namespace aunet::gui

namespace aunet::gui {
namespace {

// A 4D NIfTI (two volumes) opens with a Volume box; choosing volume 1 shows volume 1.
TEST_F(MainWindowTest, FourDImageShowsTheVolumeChosenInTheVolumeBox) {
  const core::Geometry g = testing::phantomGrid();
  core::Volume twoVolumes(g, 2);
  for (int64_t v = 0; v < g.voxelCount(); ++v) {
    twoVolumes.channel(0)[v] = static_cast<float>(v % 97);
    twoVolumes.channel(1)[v] = static_cast<float>(1000 - v % 89);
  }
  const std::string file = dir_.filePath("two-volumes.nii.gz").toStdString();
  io::writeImage(twoVolumes, file);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(file))) << errors_.join("\n").toStdString();
  auto* box = window_->findChild<QSpinBox*>("volumeSelector");
  ASSERT_NE(box, nullptr);
  EXPECT_EQ(box->maximum(), 1);
  EXPECT_EQ(window_->viewState().channel(), 0);
  const QImage first = window_->view(ViewAxis::Axial)->renderedSlice().copy();
  box->setValue(1);
  EXPECT_EQ(window_->viewState().channel(), 1);
  const QImage second = window_->view(ViewAxis::Axial)->renderedSlice().copy();
  EXPECT_NE(first, second) << "the view still shows volume 0";
  // A 3D image afterwards: back to its only channel.
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  EXPECT_EQ(window_->viewState().channel(), 0);
  EXPECT_EQ(box->maximum(), 0);
}

// Unsaved edits reach the recovery folder on autosave; a window started afterwards (as
// after a crash) restores them; Ctrl+S writes the mask and removes the recovery.
TEST_F(MainWindowTest, EditsAutosaveAndAreRestoredAfterACrash) {
  const auto files = testing::writePhantom(dir_);
  ASSERT_TRUE(window_->openImage(QString::fromStdString(files.image)));
  ASSERT_TRUE(window_->openMask(QString::fromStdString(files.mask)));
  EXPECT_FALSE(window_->isWindowModified());
  window_->autosave();  // nothing unsaved: nothing written
  EXPECT_FALSE(ViewerController::recoveryAvailable(dir_.filePath("recovery")));
  MaskEditor& editor = window_->controller().editor();
  editor.setActiveLabel(3);
  editor.setBrushDiameterMm(6.0);
  ASSERT_TRUE(editor.beginStroke(ViewAxis::Axial, {10, 10, 5}));
  editor.continueStroke({30, 12, 5});
  editor.endStroke();
  EXPECT_TRUE(window_->isWindowModified());
  window_->autosave();
  ASSERT_TRUE(ViewerController::recoveryAvailable(dir_.filePath("recovery")));
  const core::LabelMap edited = *window_->document().labels();

  auto next = makeWindow();  // the first one "crashed": never closed
  ASSERT_TRUE(next->offerRecovery()) << errors_.join("\n").toStdString();
  EXPECT_EQ(next->document().labels()->labels(), edited.labels());
  EXPECT_TRUE(next->controller().hasUnsavedEdits());
  ASSERT_TRUE(next->saveMaskInPlace());
  EXPECT_EQ(io::readLabelMap(files.mask).labels(), edited.labels());  // where the mask came from
  EXPECT_FALSE(ViewerController::recoveryAvailable(dir_.filePath("recovery")));
  EXPECT_FALSE(next->isWindowModified());
}

}  // namespace
}  // namespace aunet::gui
