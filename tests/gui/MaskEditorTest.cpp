// The segmentation editor through the controller, without a display: every tool
// changes the mask as it should and is one undo entry that undoes and redoes
// exactly; the legend follows each edit; the undo history stays within its memory
// budget on a 512x512x400 mask edited many times; saving in place, unsaved-edit
// tracking and crash recovery.

#include <gtest/gtest.h>

#include <QDir>
#include <QTemporaryDir>

#include <cmath>

#include "gui/MaskDeltaCommand.h"
#include "gui/ViewerController.h"
#include "io/DicomObjectReader.h"
#include "io/DicomObjectWriter.h"
#include "io/DicomSourceSeries.h"
#include "io/ImageReader.h"
#include "io/internal/DicomSeriesWriter.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

core::Geometry ctGrid(core::Index3 size) {
  core::Geometry g;
  g.size = size;
  g.spacing = {0.75, 0.75, 2.0};
  return g;
}

class MaskEditorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::application();
    ASSERT_TRUE(dir_.isValid());
    core::Volume image(ctGrid({64, 64, 16}), 1);
    // Intensity rises along i: 0..63, for threshold painting.
    for (int64_t k = 0; k < 16; ++k)
      for (int64_t j = 0; j < 64; ++j)
        for (int64_t i = 0; i < 64; ++i) image.at(i, j, k) = static_cast<float>(i);
    imagePath_ = dir_.filePath("ct.nii.gz").toStdString();
    controller_.adoptImage(std::move(image), imagePath_);
  }
  const core::LabelMap& mask() { return *controller_.document().labels(); }
  int64_t legendCount(int label) {
    for (const auto& s : controller_.legend().statistics())
      if (s.label == label) return s.voxelCount;
    return 0;
  }

  QTemporaryDir dir_;
  std::string imagePath_;
  ViewerController controller_;
  MaskEditor& editor_ = controller_.editor();
  EditHistory& history_ = controller_.history();
};

TEST_F(MaskEditorTest, BrushStrokeIsOneUndoEntryAndTheLegendFollows) {
  EXPECT_FALSE(controller_.hasUnsavedEdits());
  editor_.setTool(EditTool::Brush);
  editor_.setActiveLabel(2);
  editor_.setBrushDiameterMm(3.0);  // 2 voxels each side at 0.75 mm
  ASSERT_TRUE(editor_.beginStroke(ViewAxis::Axial, {5, 30, 8}));
  editor_.continueStroke({30, 30, 8});
  editor_.continueStroke({55, 30, 8});
  EXPECT_TRUE(editor_.strokeActive());
  editor_.endStroke();
  // A new mask (its own entry) and the stroke.
  EXPECT_EQ(history_.size(), 2u);
  EXPECT_EQ(history_.undoText(), "Paint label 2");
  for (int64_t i = 5; i <= 55; ++i) EXPECT_EQ(mask().at(i, 30, 8), 2) << i;
  EXPECT_EQ(mask().at(30, 33, 8), 0);
  EXPECT_EQ(mask().at(30, 30, 7), 0);  // 2D: one slice
  const int64_t painted = mask().count(2);
  // The 3 mm disc is 13 voxels (rows of 1, 3, 5, 3, 1); dragged from i = 5 to 55 it
  // covers row j = 30 from 3 to 57, rows 29/31 from 4 to 56, rows 28/32 from 5 to 55.
  EXPECT_EQ(painted, 55 + 2 * 53 + 2 * 51);
  ASSERT_TRUE(controller_.tasks().waitForIdle(20000));
  EXPECT_EQ(legendCount(2), painted);
  EXPECT_TRUE(controller_.hasUnsavedEdits());

  ASSERT_TRUE(history_.undo());
  EXPECT_EQ(mask().count(2), 0);
  EXPECT_EQ(legendCount(2), 0);
  ASSERT_TRUE(history_.redo());
  EXPECT_EQ(mask().count(2), painted);
  EXPECT_EQ(legendCount(2), painted);
}

TEST_F(MaskEditorTest, EraserSphereAndPaintOverRules) {
  editor_.setActiveLabel(1);
  editor_.setBrushDiameterMm(12.0);
  editor_.setBrush3D(true);
  ASSERT_TRUE(editor_.beginStroke(ViewAxis::Axial, {32, 32, 8}));
  editor_.endStroke();
  EXPECT_EQ(mask().at(32, 32, 5), 1);  // the sphere reaches 3 slices of 2 mm each way
  EXPECT_EQ(mask().at(32, 32, 4), 0);
  const int64_t ones = mask().count(1);

  // Label 3 painted over background only leaves label 1 alone.
  editor_.setBrush3D(false);
  editor_.setActiveLabel(3);
  editor_.setPaintOver(imaging::PaintOver::Background);
  editor_.beginStroke(ViewAxis::Axial, {32, 32, 8});
  editor_.continueStroke({50, 32, 8});
  editor_.endStroke();
  EXPECT_EQ(mask().count(1), ones);
  EXPECT_EQ(mask().at(48, 32, 8), 3);

  // The eraser with "only label 3" clears 3 but not 1.
  editor_.setTool(EditTool::Eraser);
  editor_.setPaintOver(imaging::PaintOver::OneLabel, 3);
  editor_.setBrushDiameterMm(40.0);
  editor_.beginStroke(ViewAxis::Axial, {40, 32, 8});
  editor_.endStroke();
  EXPECT_EQ(mask().count(3), 0);
  EXPECT_EQ(mask().count(1), ones);
  EXPECT_EQ(history_.undoText(), "Erase");
  // And with every label allowed it clears label 1 on that slice.
  editor_.setPaintOver(imaging::PaintOver::All);
  editor_.beginStroke(ViewAxis::Axial, {32, 32, 8});
  editor_.endStroke();
  EXPECT_EQ(mask().at(32, 32, 8), 0);
  EXPECT_EQ(mask().at(32, 32, 7), 1);
}

TEST_F(MaskEditorTest, ThresholdLimitsTheBrush) {
  editor_.setActiveLabel(1);
  editor_.setBrushDiameterMm(30.0);
  editor_.setThreshold(true, 30, 34);  // intensity = i
  editor_.beginStroke(ViewAxis::Axial, {32, 32, 8});
  editor_.endStroke();
  int64_t outside = 0;
  for (int64_t j = 0; j < 64; ++j)
    for (int64_t i = 0; i < 64; ++i)
      if (mask().at(i, j, 8) == 1 && (i < 30 || i > 34)) ++outside;
  EXPECT_EQ(outside, 0);
  EXPECT_GT(mask().count(1), 5 * 10);
}

TEST_F(MaskEditorTest, FloodFillIslandsAndInterpolationUndo) {
  // An outline on slice 4 (a 2D ring drawn with a thin brush), then a fill inside it.
  editor_.setActiveLabel(1);
  editor_.setBrushDiameterMm(0.5);
  editor_.beginStroke(ViewAxis::Axial, {20, 20, 4});
  for (core::Index3 p : {core::Index3{40, 20, 4}, {40, 40, 4}, {20, 40, 4}, {20, 20, 4}}) editor_.continueStroke(p);
  editor_.endStroke();
  const int64_t ring = mask().count(1);
  EXPECT_EQ(ring, 80);
  editor_.setTool(EditTool::FloodFill);
  EXPECT_EQ(editor_.click(ViewAxis::Axial, {30, 30, 4}), 19 * 19);
  EXPECT_EQ(mask().count(1), 21 * 21);
  EXPECT_EQ(history_.undoText(), "Fill with label 1");

  // The same square on slice 12: interpolation fills 5..11 with it.
  editor_.setTool(EditTool::Brush);
  editor_.setBrushDiameterMm(0.5);
  for (int64_t j = 20; j <= 40; ++j) {
    editor_.beginStroke(ViewAxis::Axial, {20, j, 12});
    editor_.continueStroke({40, j, 12});
    editor_.endStroke();
  }
  EXPECT_EQ(editor_.interpolate(ViewAxis::Axial), 7 * 21 * 21);
  for (int64_t k = 4; k <= 12; ++k) EXPECT_EQ(mask().at(30, 30, k), 1) << k;
  EXPECT_EQ(mask().at(30, 30, 3), 0);

  // An island of label 1 far away, then removing it by a click; keeping the block
  // removes the island too.
  editor_.setBrushDiameterMm(3.0);
  editor_.beginStroke(ViewAxis::Axial, {5, 5, 14});
  editor_.endStroke();
  const int64_t withIsland = mask().count(1);
  editor_.setTool(EditTool::RemoveIsland);
  EXPECT_GT(editor_.click(ViewAxis::Axial, {5, 5, 14}), 0);
  EXPECT_EQ(mask().count(1), 9 * 21 * 21);
  ASSERT_TRUE(history_.undo());
  EXPECT_EQ(mask().count(1), withIsland);
  editor_.setTool(EditTool::KeepIsland);
  EXPECT_EQ(editor_.click(ViewAxis::Axial, {30, 30, 8}), withIsland - 9 * 21 * 21);
  EXPECT_EQ(mask().at(5, 5, 14), 0);

  // Everything undoes back to no mask at all, and redoes to the same mask.
  const core::LabelMap last = mask();
  while (history_.canUndo()) history_.undo();
  EXPECT_EQ(controller_.document().labels(), nullptr);
  while (history_.canRedo()) history_.redo();
  EXPECT_EQ(mask().labels(), last.labels());
}

TEST_F(MaskEditorTest, LabelsAddRenameRecolourAndDelete) {
  const uint16_t liver = editor_.addLabel("liver", {200, 100, 50});
  EXPECT_EQ(liver, 1);
  EXPECT_EQ(editor_.activeLabel(), liver);
  EXPECT_EQ(controller_.document().labelName(liver), "liver");
  const uint16_t spleen = editor_.addLabel("spleen", {10, 200, 10});
  EXPECT_EQ(spleen, 2);
  EXPECT_TRUE(editor_.renameLabel(spleen, "kidney"));
  EXPECT_TRUE(editor_.recolourLabel(spleen, {1, 2, 3}));
  bool found = false;
  for (const auto& l : controller_.document().palette())
    if (l.value == spleen) {
      found = true;
      EXPECT_EQ(l.name, "kidney");
      EXPECT_EQ(l.color, (std::array<uint8_t, 3>{1, 2, 3}));
    }
  EXPECT_TRUE(found);
  editor_.setBrushDiameterMm(6.0);
  editor_.beginStroke(ViewAxis::Axial, {10, 10, 3});
  editor_.endStroke();
  EXPECT_EQ(history_.undoText(), "Paint kidney");
  const int64_t painted = mask().count(spleen);
  EXPECT_EQ(editor_.deleteLabel(spleen), painted);
  EXPECT_EQ(mask().count(spleen), 0);
  ASSERT_TRUE(history_.undo());
  EXPECT_EQ(mask().count(spleen), painted);
  EXPECT_FALSE(editor_.renameLabel(0, "x"));
}

TEST_F(MaskEditorTest, BrushSizeSteps) {
  editor_.setBrushDiameterMm(5.0);
  editor_.stepBrushSize(1);
  EXPECT_NEAR(editor_.brushDiameterMm(), 6.0, 1e-9);
  editor_.stepBrushSize(-2);
  EXPECT_LT(editor_.brushDiameterMm(), 5.0);
  editor_.setBrushDiameterMm(1e9);
  EXPECT_EQ(editor_.brushDiameterMm(), MaskEditor::kMaxBrushMm);
  editor_.setBrushDiameterMm(0.0);
  EXPECT_EQ(editor_.brushDiameterMm(), MaskEditor::kMinBrushMm);
}

TEST_F(MaskEditorTest, SaveInPlaceUnsavedEditsAndRecovery) {
  editor_.setActiveLabel(1);
  editor_.setBrushDiameterMm(6.0);
  editor_.beginStroke(ViewAxis::Axial, {10, 10, 3});
  editor_.endStroke();
  EXPECT_TRUE(controller_.hasUnsavedEdits());
  // A new mask goes next to the image as <image>_mask.nii.gz.
  const QString saved = controller_.saveMaskInPlace();
  EXPECT_EQ(saved, dir_.filePath("ct_mask.nii.gz"));
  EXPECT_FALSE(controller_.hasUnsavedEdits());
  EXPECT_EQ(io::readLabelMap(saved.toStdString()).labels(), mask().labels());
  // Undo after saving is an unsaved change again; redo returns to the saved state.
  history_.undo();
  EXPECT_TRUE(controller_.hasUnsavedEdits());
  history_.redo();
  EXPECT_FALSE(controller_.hasUnsavedEdits());
  // The next Ctrl+S writes the same file.
  editor_.beginStroke(ViewAxis::Axial, {40, 40, 3});
  editor_.endStroke();
  EXPECT_EQ(controller_.saveMaskInPlace(), saved);
  EXPECT_EQ(io::readLabelMap(saved.toStdString()).labels(), mask().labels());

  // Recovery: the autosave of unsaved edits restores into a fresh controller.
  editor_.beginStroke(ViewAxis::Axial, {50, 10, 3});
  editor_.endStroke();
  const QString folder = dir_.filePath("recovery");
  controller_.writeRecovery(folder);
  QString image;
  // A recovery whose image is gone is not offered.
  EXPECT_FALSE(ViewerController::recoveryAvailable(folder, &image));
  io::writeImage(*controller_.document().image(), imagePath_);
  ASSERT_TRUE(ViewerController::recoveryAvailable(folder, &image));
  EXPECT_EQ(image.toStdString(), imagePath_);
  ViewerController fresh;
  fresh.restoreRecovery(folder);
  EXPECT_EQ(fresh.document().labels()->labels(), mask().labels());
  EXPECT_TRUE(fresh.hasUnsavedEdits());
  EXPECT_EQ(fresh.maskSavePath(), saved);  // saving goes where the lost session's mask came from
  ViewerController::clearRecovery(folder);
  EXPECT_FALSE(ViewerController::recoveryAvailable(folder));
}

// A 512x512x400 mask (200 MB of labels) edited many times with strokes, fills and
// large erasures: the history never holds more than its budget, drops the oldest
// entries to stay there, and what remains still undoes exactly.
TEST_F(MaskEditorTest, HistoryStaysWithinItsMemoryBudgetOnALargeMask) {
  core::Geometry g = ctGrid({512, 512, 400});
  controller_.adoptImage(core::Volume(g, 1), imagePath_);
  const size_t budget = size_t{6} << 20;  // 6 MB: small enough that the test must drop entries
  history_.setMemoryBudget(budget);
  editor_.setActiveLabel(1);
  editor_.setBrushDiameterMm(40.0);  // 53 voxels across: ~2200 voxels per dab
  size_t most = 0;
  std::vector<core::LabelMap> none;
  for (int n = 0; n < 60; ++n) {
    const int64_t k = 10 + (n * 7) % 380;
    editor_.setTool(n % 3 == 2 ? EditTool::Eraser : EditTool::Brush);
    editor_.beginStroke(ViewAxis::Axial, {40, 40 + n, k});
    editor_.continueStroke({470, 470 - n, k});
    editor_.endStroke();
    most = std::max(most, history_.memoryBytes());
    ASSERT_LE(history_.memoryBytes(), budget) << "after edit " << n;
  }
  // A whole-slab fill: one large entry (a slice of 512x512 = 262k voxels).
  editor_.setTool(EditTool::FloodFill);
  editor_.click(ViewAxis::Axial, {5, 500, 399});
  EXPECT_LE(history_.memoryBytes(), budget);
  EXPECT_GT(history_.dropped(), 0u);
  EXPECT_GT(history_.size(), 5u);
  std::cout << "[ budget   ] " << history_.size() << " entries kept, " << history_.dropped() << " dropped, "
            << history_.memoryBytes() / 1024 << " KiB held (most " << most / 1024 << " KiB, budget " << budget / 1024
            << " KiB)" << std::endl;
  // The kept entries still undo and redo to the same mask.
  const core::LabelMap now = mask();
  size_t undone = 0;
  while (history_.undo()) ++undone;
  EXPECT_EQ(undone, history_.size());
  while (history_.redo()) {
  }
  EXPECT_EQ(mask().labels(), now.labels());
}

// A mask opened from a DICOM SEG is saved (Ctrl+S) as a SEG over that file, with the
// edit in it; the writer is the one the viewer's main hands in, here io's SEG writer.
TEST(MaskEditorDicomTest, AMaskFromASegIsSavedAsASegInPlace) {
  testing::application();
  QTemporaryDir dir;
  const testing::PhantomFiles files = testing::writePhantom(dir);
  const QString study = dir.filePath("study");
  QDir().mkpath(study);
  core::Volume rounded = ViewerDocument::readImage(files.image);
  for (float& v : rounded.voxels()) v = std::round(v);
  io::internal::writeDicomSeries(rounded, study.toStdString());
  const io::DicomSourceSeries source = io::readDicomSourceSeries(study.toStdString());
  core::LabelMap mask(source.geometry);
  for (int64_t j = 2; j < 8; ++j)
    for (int64_t i = 3; i < 9; ++i) mask.at(i, j, 1) = 1;
  const std::string seg = (study + "/seg.dcm").toStdString();
  io::writeDicomSeg(mask, source, {{1, "liver", {10, 200, 30}}}, {}, seg);

  ViewerController controller;
  int written = 0;
  controller.setDicomMaskWriter([&written](const core::LabelMap& m, const std::string& series,
                                           const std::vector<model::LabelInfo>& labels, bool rtStruct,
                                           const std::string& path) {
    EXPECT_FALSE(rtStruct);
    std::vector<io::DicomSegment> segments;
    for (const auto& l : labels)
      if (l.value > 0 && m.count(static_cast<uint16_t>(l.value)) > 0) segments.push_back({static_cast<uint16_t>(l.value), l.name, l.color});
    io::writeDicomSeg(m, io::readDicomSourceSeries(series), segments, {}, path);
    ++written;
  });
  controller.adoptImage(ViewerDocument::readImage(study.toStdString()), study.toStdString());
  ASSERT_TRUE(controller.tasks().waitForIdle(20000));
  ASSERT_NE(controller.document().labels(), nullptr);
  EXPECT_FALSE(controller.hasUnsavedEdits());
  MaskEditor& editor = controller.editor();
  editor.setActiveLabel(1);
  editor.setBrushDiameterMm(3.0);
  ASSERT_TRUE(editor.beginStroke(ViewAxis::Axial, {20, 20, 3}));
  editor.continueStroke({30, 20, 3});
  editor.endStroke();
  EXPECT_TRUE(controller.hasUnsavedEdits());
  EXPECT_EQ(controller.saveMaskInPlace().toStdString(), seg);
  EXPECT_EQ(written, 1);
  EXPECT_FALSE(controller.hasUnsavedEdits());
  const io::DicomLabelObject back = io::readDicomLabelObject(seg);
  EXPECT_EQ(back.labels.labels(), controller.document().labels()->labels());
  ASSERT_EQ(back.segments.size(), 1u);
  EXPECT_EQ(back.segments[0].name, "liver");
  EXPECT_GT(back.labels.count(1), 36);
}

}  // namespace
}  // namespace aunet::gui
