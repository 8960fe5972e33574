// The correction-to-model loop end to end, as a user runs it in the viewer, with real
// components only: the shipped demo model segments a brain it never saw the like of
// (Colin27's T1 with its contrast inverted inside the head, as a T2-weighted image
// looks: dark white matter, bright fluid), the mask is corrected with the viewer's
// edit commands (brush and eraser strokes along the rows of each axial slice, the
// reference label painted over each run of wrong voxels: MaskEditor, not the file),
// the case goes into a new dataset ("Add to training dataset..."), the model is
// fine-tuned on it briefly with its plan kept ("Fine-tune model on dataset...", the
// same code as `aunet train --init-from demo-brain`), and the new model must beat the
// old one against the reference by kMargin mean Dice on that case AND on a held-out
// similar case: the other hemisphere, inverted the same way, never trained on.
// Figures are printed (docs/training.md records them with the CPU).

#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QProgressBar>
#include <QTableWidget>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "gui/CorrectionLoop.h"
#include "gui/FineTuneDialog.h"
#include "gui/ViewerController.h"
#include "imaging/LabelStatistics.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "io/NnUNetDataset.h"
#include "model/ModelFile.h"
#include "pipeline/ModelFineTuner.h"
#include "pipeline/SegmentationPipeline.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

namespace fs = std::filesystem;

// The improvement required, in mean foreground Dice (labels 1..7), on both cases.
constexpr double kMargin = 0.10;
constexpr int kEpochs = 2, kIterations = 8;

// A T2-like contrast: 255 - v inside the head (uint8 T1; the background stays 0).
core::Volume inverted(core::Volume image) {
  for (float& v : image.voxels())
    if (v > 0.0f) v = 255.0f - v;
  return image;
}

double meanDice(const core::LabelMap& prediction, const core::LabelMap& reference) {
  double sum = 0.0;
  int n = 0;
  for (const auto& s : imaging::computeLabelStatistics(prediction, nullptr, {}, &reference))
    if (s.label > 0) sum += s.dice.value_or(0.0), ++n;
  return n ? sum / n : 0.0;
}

std::string cpuName() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

// Corrects the mask on screen to `reference` as a user paints: on each axial slice,
// along each row, one brush stroke (the reference label; the eraser where it is
// background) over each run of wrong voxels, with a brush one voxel wide.
int64_t correctWithStrokes(ViewerController& controller, const core::LabelMap& reference) {
  MaskEditor& editor = controller.editor();
  const core::LabelMap current = *controller.document().labels();
  const core::Geometry& g = reference.geometry();
  editor.setBrush3D(false);
  editor.setPaintOver(imaging::PaintOver::All);
  editor.setBrushDiameterMm(0.9 * std::min(g.spacing[0], g.spacing[1]));
  int64_t strokes = 0;
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0];) {
        const uint16_t want = reference.at(i, j, k);
        if (current.at(i, j, k) == want) {
          ++i;
          continue;
        }
        int64_t end = i;
        while (end + 1 < g.size[0] && reference.at(end + 1, j, k) == want && current.at(end + 1, j, k) != want) ++end;
        if (want == 0) {
          editor.setTool(EditTool::Eraser);
        } else {
          editor.setTool(EditTool::Brush);
          editor.setActiveLabel(want);
        }
        editor.beginStroke(ViewAxis::Axial, {i, j, k});
        if (end > i) editor.continueStroke({end, j, k});
        editor.endStroke();
        ++strokes;
        i = end + 1;
      }
  return strokes;
}

TEST(CorrectionLoopEndToEndTest, ACorrectedCaseTeachesTheDemoModelAndAHeldOutCaseGainsToo) {
  testing::application();
  const fs::path templates = "/usr/share/mricron/templates";
  ASSERT_TRUE(fs::exists(templates / "ch2.nii.gz")) << "Debian's mricron-data is missing (scripts/setup.sh installs it)";
  const fs::path demo = fs::path(AUNET_SOURCE_DIR) / "resources/models/demo-brain.aunet";
  ASSERT_TRUE(fs::exists(demo)) << demo;
  QTemporaryDir scratch;
  ASSERT_TRUE(scratch.isValid());
  const fs::path dir = scratch.path().toStdString();
  // The demo model's own dataset script cuts Colin27 into hemispheres with references.
  const std::string script = std::string(AUNET_SOURCE_DIR) + "/scripts/build_demo_dataset.py";
  ASSERT_EQ(std::system(("python3 '" + script + "' '" + templates.string() + "' '" + (dir / "colin").string() +
                         "' > /dev/null").c_str()),
            0);
  const core::LabelMap leftReference = io::readLabelMap((dir / "colin/labelsTr/colin27_left.nii.gz").string());
  const core::LabelMap rightReference = io::readLabelMap((dir / "colin/heldout/labels/colin27_right.nii.gz").string());
  const std::string leftPath = (dir / "left_inverted.nii.gz").string();
  io::writeImage(inverted(io::readImage((dir / "colin/imagesTr/colin27_left_0000.nii.gz").string())), leftPath);
  const core::Volume right = inverted(io::readImage((dir / "colin/heldout/images/colin27_right.nii.gz").string()));

  // The viewer's controller with the real pipeline: open the image and the demo model, segment.
  ViewerController controller([](const std::string& path) -> std::unique_ptr<model::Segmenter> {
    return std::make_unique<pipeline::SegmentationPipeline>(path);
  });
  controller.adoptImage(ViewerDocument::readImage(leftPath), leftPath);
  QString whyNot;
  ASSERT_TRUE(controller.openModelInBackground(QString::fromStdString(demo.string()), &whyNot)) << whyNot.toStdString();
  ASSERT_TRUE(controller.tasks().waitForIdle(60000));
  model::SegmentationSettings settings;
  settings.device = "cpu";
  ASSERT_TRUE(controller.startSegmentation(settings, &whyNot)) << whyNot.toStdString();
  ASSERT_TRUE(testing::waitUntil([&] { return !controller.segmentationJob().running(); }, 120000));
  ASSERT_TRUE(testing::waitUntil([&] { return controller.document().labels() != nullptr; }, 10000));
  const double oldLeft = meanDice(*controller.document().labels(), leftReference);

  // The user's correction, stroke by stroke, through the undo stack.
  const int64_t strokes = correctWithStrokes(controller, leftReference);
  EXPECT_GT(strokes, 100) << "the demo model was not wrong enough for this test to mean anything";
  ASSERT_EQ(controller.document().labels()->labels(), leftReference.labels());
  EXPECT_TRUE(controller.history().canUndo());
  controller.tasks().waitForIdle(60000);  // statistics after the edits

  // "Add to training dataset...": a new dataset for the open model.
  CorrectionLoop loop(controller, std::make_shared<pipeline::ModelFineTuner>());
  const QString dataset = QString::fromStdString((dir / "corrections").string());
  EXPECT_EQ(loop.addToDataset(dataset), "case_001");
  EXPECT_EQ(io::NnUNetDataset::load(dataset.toStdString()).sourceModel, fs::absolute(demo).lexically_normal().string());

  // "Fine-tune model on dataset...": on the viewer's TaskRunner, with its window.
  FineTuneDialog dialog(loop, controller);
  dialog.show();
  bool succeeded = false;
  QString detail;
  QObject::connect(&loop, &CorrectionLoop::fineTuneFinished, [&](bool ok, const QString& d) {
    succeeded = ok;
    detail = d;
  });
  QElapsedTimer timer;
  timer.start();
  // Briefly: 2 epochs of 8 steps (the defaults are 4 x 20; docs/training.md has both timed).
  ASSERT_TRUE(loop.startFineTune(dataset, QString::fromStdString((dir / "run").string()), kEpochs, kIterations, &whyNot))
      << whyNot.toStdString();
  ASSERT_TRUE(testing::waitUntil([&] { return !loop.fineTuning(); }, 170000)) << "fine-tuning did not finish";
  const double fineTuneSeconds = timer.elapsed() / 1000.0;
  ASSERT_TRUE(succeeded) << detail.toStdString();
  const std::string tuned = detail.toStdString();
  EXPECT_EQ(loop.losses().size(), static_cast<size_t>(kEpochs * kIterations));
  EXPECT_EQ(dialog.progressBar()->value(), dialog.progressBar()->maximum());
  const model::ModelMetadata meta = model::ModelFile::readMetadata(tuned);
  ASSERT_EQ(meta.provenance.history.size(), 1u);
  EXPECT_EQ(meta.provenance.history[0].parent, "demo-brain.aunet");
  EXPECT_EQ(meta.provenance.history[0].cases_added, (std::vector<std::string>{"case_001"}));
  EXPECT_EQ(meta.plan.toJson(), model::ModelFile::readMetadata(demo.string()).plan.toJson());

  // The dialog's comparison: the new model on the open image against the corrected mask.
  ASSERT_TRUE(loop.startComparison(QString::fromStdString(tuned), &whyNot)) << whyNot.toStdString();
  ASSERT_TRUE(testing::waitUntil([&] { return loop.comparison() != nullptr; }, 120000));
  ASSERT_FALSE(loop.comparison()->rows.empty());
  const double newLeft = meanDice(*loop.comparison()->after, leftReference);
  EXPECT_GT(dialog.diceTable()->rowCount(), 0);
  if (const char* shot = std::getenv("AUNET_FINETUNE_SCREENSHOT")) dialog.grab().save(shot);

  // The held-out hemisphere: never corrected, never trained on.
  pipeline::SegmentationPipeline oldModel(demo.string()), newModel(tuned);
  const double oldRight = meanDice(oldModel.segment(right, settings).labels, rightReference);
  const double newRight = meanDice(newModel.segment(right, settings).labels, rightReference);

  std::cout << std::fixed << std::setprecision(3) << "[ figures  ] mean Dice 1..7, demo-brain -> fine-tuned: corrected case "
            << oldLeft << " -> " << newLeft << ", held-out case " << oldRight << " -> " << newRight << "; " << strokes
            << " strokes; fine-tuning " << std::setprecision(1) << fineTuneSeconds << " s (" << loop.losses().size()
            << " steps) on " << cpuName() << "\n";
  EXPECT_GT(newLeft, oldLeft + kMargin);
  EXPECT_GT(newRight, oldRight + kMargin);
}

}  // namespace
}  // namespace aunet::gui
