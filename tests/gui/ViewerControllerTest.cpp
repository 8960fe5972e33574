// The viewer's logic without a window (no widget is created): opening that fails
// leaves the study as it was, a later open wins over an earlier background one, mask
// changes undo and redo, the info text names the model grid, statistics save.

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>

#include <cmath>
#include <QTemporaryDir>

#include "core/Error.h"
#include "gui/ViewerController.h"
#include "imaging/LabelStatistics.h"
#include "imaging/ModelSpace.h"
#include "io/DicomObjectWriter.h"
#include "io/DicomSourceSeries.h"
#include "io/ImageReader.h"
#include "io/internal/DicomSeriesWriter.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

class ViewerControllerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::application();
    ASSERT_TRUE(dir_.isValid());
    files_ = testing::writePhantom(dir_);
  }
  QTemporaryDir dir_;
  testing::PhantomFiles files_;
  ViewerController controller_;
};

TEST_F(ViewerControllerTest, AFailedOpenLeavesTheStudyAsItWas) {
  controller_.adoptImage(ViewerDocument::readImage(files_.image), files_.image);
  const auto image = controller_.document().image();
  QStringList errors;
  QObject::connect(&controller_.tasks(), &TaskRunner::failed, [&](const QString& m) { errors << m; });
  controller_.openImageInBackground(dir_.filePath("missing.nii.gz"), {});
  EXPECT_FALSE(controller_.tasks().waitForIdle(20000));
  ASSERT_EQ(errors.size(), 1);
  EXPECT_TRUE(errors[0].contains("missing.nii.gz")) << errors[0].toStdString();
  EXPECT_EQ(controller_.document().image(), image);
  // An open started before a newer image was adopted does not replace it.
  controller_.openImageInBackground(QString::fromStdString(files_.image), {});
  controller_.adoptImage(ViewerDocument::readImage(files_.image), files_.image);
  const auto newer = controller_.document().image();
  EXPECT_TRUE(controller_.tasks().waitForIdle(20000));
  EXPECT_EQ(controller_.document().image(), newer);
}

TEST_F(ViewerControllerTest, MaskChangesUndoAndRedo) {
  QString whyNot;
  EXPECT_FALSE(controller_.openMaskInBackground(QString::fromStdString(files_.mask), false, &whyNot));
  EXPECT_TRUE(whyNot.contains("open an image before")) << whyNot.toStdString();
  controller_.adoptImage(ViewerDocument::readImage(files_.image), files_.image);
  ASSERT_TRUE(controller_.openMaskInBackground(QString::fromStdString(files_.mask), false, &whyNot));
  ASSERT_TRUE(controller_.tasks().waitForIdle(20000));
  const core::LabelMap fromFile = *controller_.document().labels();
  EXPECT_EQ(fromFile.labels(), io::readLabelMap(files_.mask).labels());
  core::LabelMap edited = fromFile;
  for (auto& v : edited.labels()) v = v ? 0 : 1;
  controller_.replaceMask(edited, "", "Invert");

  EditHistory& h = controller_.history();
  EXPECT_EQ(h.undoText(), "Invert");
  ASSERT_TRUE(h.undo());
  EXPECT_EQ(controller_.document().labels()->labels(), fromFile.labels());
  ASSERT_TRUE(h.undo());
  EXPECT_EQ(controller_.document().labels(), nullptr);  // before the file was opened
  EXPECT_FALSE(h.undo());
  ASSERT_TRUE(h.redo());
  EXPECT_EQ(controller_.document().labels()->labels(), fromFile.labels());
  // A new edit after an undo drops what could have been redone.
  controller_.replaceMask(core::LabelMap(fromFile.geometry()), "", "Clear");
  EXPECT_FALSE(h.canRedo());
  // A new image: its masks start a new history.
  controller_.adoptImage(ViewerDocument::readImage(files_.image), files_.image);
  EXPECT_FALSE(h.canUndo());
}

TEST_F(ViewerControllerTest, DescribesTheStudyAndTheModelGrid) {
  EXPECT_TRUE(controller_.describe().contains("Drop an image"));
  controller_.adoptImage(ViewerDocument::readImage(files_.image), files_.image);
  auto model = std::make_shared<testing::FakeSegmenter>();
  model::ModelMetadata& meta = model->editableMetadata();
  meta.plan.orientation = "RAI";
  meta.plan.target_spacing = {2.0, 2.0, 2.0};
  controller_.setSegmenter(model, "fake.aunet");
  const core::Geometry& g = controller_.document().image()->geometry();
  imaging::ModelSpace space(g, imaging::ModelGridPlan::of(meta.plan, 3));
  const QString text = controller_.describe();
  EXPECT_TRUE(text.contains(QString("Model grid: %1 x %2 x %3 at 2 x 2 x 2 mm (resampled)")
                                .arg(space.grid().size[0])
                                .arg(space.grid().size[1])
                                .arg(space.grid().size[2])))
      << text.toStdString();
}

TEST_F(ViewerControllerTest, StatisticsSaveAsTheCommandLineWritesThem) {
  controller_.adoptImage(ViewerDocument::readImage(files_.image), files_.image);
  EXPECT_THROW(controller_.saveStatistics(dir_.filePath("none.csv")), core::Error);
  controller_.replaceMask(io::readLabelMap(files_.mask), files_.mask, "Open mask");
  controller_.saveStatistics(dir_.filePath("stats.csv"));
  QFile csv(dir_.filePath("stats.csv"));
  ASSERT_TRUE(csv.open(QIODevice::ReadOnly));
  EXPECT_TRUE(QString::fromUtf8(csv.readAll()).startsWith(QString::fromStdString(imaging::labelStatisticsCsvHeader())));
  core::Index3 voxel{};
  ASSERT_TRUE(controller_.jumpToLabel(2));
  voxel = controller_.viewState().cursor();
  EXPECT_EQ(controller_.document().labels()->at(voxel[0], voxel[1], voxel[2]), 2);
}


TEST_F(ViewerControllerTest, AStudyFolderWithItsSegOpensWithTheSegmentNames) {
  // A generated DICOM series and a SEG written for it, side by side in one folder.
  const QString study = dir_.filePath("study");
  QDir().mkpath(study);
  const core::Volume image = ViewerDocument::readImage(files_.image);
  core::Volume rounded = image;
  for (float& v : rounded.voxels()) v = std::round(v);
  io::internal::writeDicomSeries(rounded, study.toStdString());
  const io::DicomSourceSeries source = io::readDicomSourceSeries(study.toStdString());
  core::LabelMap mask(source.geometry);
  for (int64_t k = 1; k < 3; ++k)
    for (int64_t j = 2; j < 8; ++j)
      for (int64_t i = 3; i < 9; ++i) mask.at(i, j, k) = 1;
  io::writeDicomSeg(mask, source, {{1, "liver", {10, 200, 30}}}, {}, (study + "/seg.dcm").toStdString());

  controller_.adoptImage(ViewerDocument::readImage(study.toStdString()), study.toStdString());
  ASSERT_TRUE(controller_.tasks().waitForIdle(20000));
  ASSERT_NE(controller_.document().labels(), nullptr);
  EXPECT_EQ(controller_.document().labels()->count(1), 6 * 6 * 2);
  EXPECT_EQ(controller_.document().labelName(1), "liver");
}

}  // namespace
}  // namespace aunet::gui
