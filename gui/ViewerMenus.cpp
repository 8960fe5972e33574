#include "gui/ViewerMenus.h"

#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QInputDialog>
#include <QLineEdit>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSpinBox>
#include <QStringList>
#include <QToolBar>

#include "gui/MainWindow.h"
#include "gui/MeasurementTool.h"
#include "gui/ViewerController.h"
#include "gui/WindowPresetBox.h"

namespace aunet::gui {

namespace {

const char* kImageFilter =
    "Images (*.nii *.nii.gz *.nrrd *.nhdr *.mha *.mhd *.dcm *.png *.jpg *.jpeg *.tif *.tiff *.bmp);;All files (*)";
const char* kMaskFilter = "Label maps (*.nii *.nii.gz *.nrrd *.nhdr *.mha *.mhd);;All files (*)";

}  // namespace

ViewerMenus::Built ViewerMenus::build(MainWindow& w) {
  Built out;
  MainWindow* window = &w;
  QMenu* file = w.menuBar()->addMenu("&File");
  file->addAction("&Open image...", QKeySequence::Open, window, [window] {
    const QString path = QFileDialog::getOpenFileName(window, "Open image", {}, kImageFilter);
    if (!path.isEmpty()) window->openImageInBackground(path);
  });
  file->addAction("Open &DICOM folder...", QKeySequence("Ctrl+D"), window, [window] {
    const QString dir = QFileDialog::getExistingDirectory(window, "Open DICOM folder");
    if (!dir.isEmpty()) window->openImageInBackground(dir);
  });
  file->addAction("Open &mask...", QKeySequence("Ctrl+M"), window, [window] {
    const QString path = QFileDialog::getOpenFileName(window, "Open mask", {}, kMaskFilter);
    if (!path.isEmpty()) window->openMaskInBackground(path);
  });
  file->addAction("Open &reference mask...", QKeySequence("Ctrl+Shift+M"), window, [window] {
    const QString path = QFileDialog::getOpenFileName(window, "Open reference mask", {}, kMaskFilter);
    if (!path.isEmpty()) window->openReferenceInBackground(path);
  });
  file->addAction("Open &attention map...", window, [window] {
    const QString path = QFileDialog::getOpenFileName(window, "Open attention map", {}, kMaskFilter);
    if (!path.isEmpty()) window->openAttentionInBackground(path);
  });
  QAction* openModelAction = file->addAction("Open mo&del...", window, [window] {
    const QString path = QFileDialog::getOpenFileName(window, "Open model", {}, "aunet models (*.aunet);;All files (*)");
    if (!path.isEmpty()) window->openModelInBackground(path);
  });
  openModelAction->setEnabled(w.controller().canSegment());
  file->addSeparator();
  // Ctrl+S: where the mask came from (a new mask: <image>_mask.nii.gz), atomically.
  file->addAction("&Save mask", QKeySequence::Save, window, [window] { window->saveMaskInPlace(); });
  file->addAction("Save mask &as...", QKeySequence("Ctrl+Shift+S"), window, [window] {
    const QString path = QFileDialog::getSaveFileName(window, "Save mask", {}, kMaskFilter);
    if (!path.isEmpty()) window->saveMask(path);
  });
  file->addAction("Save attention maps...", window, [window] {
    const QString dir = QFileDialog::getExistingDirectory(window, "Save attention maps into");
    if (!dir.isEmpty()) window->saveAttention(dir);
  });
  file->addAction("Save statistics (CSV)...", window, [window] {
    const QString path = QFileDialog::getSaveFileName(window, "Save statistics", {}, "CSV (*.csv)");
    if (!path.isEmpty()) window->saveStatistics(path);
  });
  file->addAction("&Export view as PNG...", QKeySequence("Ctrl+E"), window, [window] {
    const QString path = QFileDialog::getSaveFileName(window, "Export view", {}, "PNG (*.png)");
    if (!path.isEmpty()) window->exportView(path.endsWith(".png", Qt::CaseInsensitive) ? path : path + ".png");
  });
  file->addAction("Export s&urfaces...", window, [window] {
    const QString dir = QFileDialog::getExistingDirectory(window, "Export surfaces (one STL per label, LPS mm) into");
    if (!dir.isEmpty()) window->exportSurfaces(dir, "stl");
  });
  file->addSeparator();
  out.recentFiles = file->addMenu("Recent files");
  file->addSeparator();
  file->addAction("&Quit", QKeySequence::Quit, window, &QWidget::close);

  // One undo stack for every change to the mask (ViewerController::history()).
  QMenu* edit = w.menuBar()->addMenu("&Edit");
  QAction* undo = edit->addAction("&Undo", QKeySequence::Undo, window, [window] { window->undoEdit(); });
  QAction* redo = edit->addAction("&Redo", QKeySequence::Redo, window, [window] { window->redoEdit(); });
  // Ctrl+Shift+Z on every platform theme (some bind Redo to Ctrl+Y only).
  QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
  if (!redoKeys.contains(QKeySequence("Ctrl+Shift+Z"))) redoKeys << QKeySequence("Ctrl+Shift+Z");
  redo->setShortcuts(redoKeys);
  QObject::connect(edit, &QMenu::aboutToShow, window, [window, undo, redo] {
    const EditHistory& h = window->controller().history();
    undo->setEnabled(h.canUndo());
    redo->setEnabled(h.canRedo());
    undo->setText(h.canUndo() ? "&Undo " + QString::fromStdString(h.undoText()) : QString("&Undo"));
    redo->setText(h.canRedo() ? "&Redo " + QString::fromStdString(h.redoText()) : QString("&Redo"));
  });

  QMenu* viewMenu = w.menuBar()->addMenu("&View");
  viewMenu->addAction("2x2 layout", QKeySequence("F4"), window, &MainWindow::showAllViews);
  viewMenu->addAction("Axial only", QKeySequence("F1"), window, [window] { window->maximizeView(ViewAxis::Axial); });
  viewMenu->addAction("Coronal only", QKeySequence("F2"), window, [window] { window->maximizeView(ViewAxis::Coronal); });
  viewMenu->addAction("Sagittal only", QKeySequence("F3"), window, [window] { window->maximizeView(ViewAxis::Sagittal); });
  viewMenu->addSeparator();
  viewMenu->addAction("&Reset view", QKeySequence("Ctrl+0"), window, &MainWindow::resetViews);
  QAction* cross = viewMenu->addAction("Crosshair", QKeySequence("C"), window, [window](bool on) {
    window->overlaySettings().crosshair = on;
    window->refreshAllViews(false);
  });
  cross->setCheckable(true);
  cross->setChecked(true);
  QAction* cine = viewMenu->addAction("Cine (play through slices)", QKeySequence("Ctrl+P"), window,
                                      [window](bool on) { window->setCinePlaying(on); });
  cine->setCheckable(true);
  cine->setObjectName("cineAction");

  QMenu* measure = w.menuBar()->addMenu("&Measure");
  const std::pair<const char*, MeasurementTool::Mode> tools3[] = {{"&Ruler (mm)", MeasurementTool::Mode::Ruler},
                                                                  {"&Ellipse region", MeasurementTool::Mode::Ellipse},
                                                                  {"Rec&tangle region", MeasurementTool::Mode::Rectangle}};
  const char* keys[] = {"R", "O", "T"};  // E is the eraser
  for (int i = 0; i < 3; ++i) {
    const MeasurementTool::Mode mode = tools3[i].second;
    measure->addAction(tools3[i].first, QKeySequence(keys[i]), window, [window, mode] {
      MeasurementTool& tool = window->measurementTool();
      tool.setMode(tool.mode() == mode ? MeasurementTool::Mode::None : mode);
    });
  }
  // Esc (the editor's "navigate" key) stops measuring too.
  measure->addAction("&Stop measuring", window,
                     [window] { window->measurementTool().setMode(MeasurementTool::Mode::None); });
  measure->addAction("&Delete selected", QKeySequence::Delete, window,
                     [window] { window->controller().measurements().removeSelected(); });

  QMenu* segMenu = w.menuBar()->addMenu("&Segmentation");
  QAction* run = segMenu->addAction("&Segment", QKeySequence("Ctrl+R"), window, &MainWindow::startSegmentation);
  segMenu->addAction("&Cancel", window, &MainWindow::cancelSegmentation);
  segMenu->addSeparator();
  // The correction-to-model loop (docs/viewer.md).
  segMenu->addAction("&Add to training dataset...", window, [window] {
    const QString folder = QFileDialog::getExistingDirectory(
        window, "Dataset folder (an empty folder becomes a new dataset for the open model)");
    if (folder.isEmpty()) return;
    bool ok = false;
    const QString name = QInputDialog::getText(window, "Add to training dataset",
                                               "Case name (empty: the next free case_NNN):", QLineEdit::Normal, {}, &ok);
    if (ok) window->addToTrainingDataset(folder, name.trimmed());
  });
  segMenu->addAction("&Fine-tune model on dataset...", window, [window] {
    const QString folder = QFileDialog::getExistingDirectory(window, "Dataset to fine-tune the open model on");
    if (folder.isEmpty()) return;
    const QString run = QDir(folder).absolutePath() + "-finetune-" +
                        QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
    window->startFineTune(folder, run);
  });
  if (!w.controller().canSegment()) {
    run->setEnabled(false);
    run->setToolTip("Segmentation is not available in this build");
  }

  QMenu* help = w.menuBar()->addMenu("&Help");
  help->addAction("Mouse and keys", window, [window] {
    QMessageBox::information(window, "Mouse and keys",
                             "Left click/drag: move the crosshair (all views follow)\n"
                             "Wheel, PgUp/PgDn, Up/Down: change slice\n"
                             "Ctrl+wheel: zoom at the mouse;  middle drag or Shift+left drag: pan\n"
                             "Right drag: window width (left/right) and level (up/down)\n"
                             "Double click: maximize / restore a view;  F1-F3 one view, F4 2x2\n"
                             "Ctrl+0: reset zoom and pan;  C: crosshair on/off;  Ctrl+P: cine\n"
                             "3D view: left drag rotate, wheel or right drag zoom, middle drag pan,\n"
                             "  click on a surface: crosshair there;  right click: opacity per label\n"
                             "Measurements: R ruler, O ellipse, T rectangle (then drag), Delete removes the selected one\n\n"
                             "Editing: B brush, E eraser, F fill, Esc navigate (and stop measuring); 1-9 active label;\n"
                             "[ and ] brush size; Ctrl+Z undo, Ctrl+Shift+Z redo; Ctrl+S save the mask");
  });

  QToolBar* tools = w.addToolBar("Main");
  tools->setObjectName("mainToolbar");
  tools->addAction("Open", window, [window] {
    const QString path = QFileDialog::getOpenFileName(window, "Open image", {}, kImageFilter);
    if (!path.isEmpty()) window->openImageInBackground(path);
  });
  tools->addAction("Mask", window, [window] {
    const QString path = QFileDialog::getOpenFileName(window, "Open mask", {}, kMaskFilter);
    if (!path.isEmpty()) window->openMaskInBackground(path);
  });
  tools->addSeparator();
  tools->addAction("2x2", window, &MainWindow::showAllViews);
  tools->addAction("Reset view", window, &MainWindow::resetViews);
  tools->addSeparator();
  tools->addWidget(new QLabel(" Window: ", tools));
  out.windowPresets = new WindowPresetBox(tools);
  tools->addWidget(out.windowPresets);
  auto* volumeTools = new QWidget(tools);
  auto* volumeLayout = new QHBoxLayout(volumeTools);
  volumeLayout->setContentsMargins(0, 0, 0, 0);
  volumeLayout->addWidget(new QLabel(" Volume: ", volumeTools));
  out.volumeSelector = new QSpinBox(volumeTools);
  out.volumeSelector->setObjectName("volumeSelector");
  out.volumeSelector->setToolTip("Which volume of a 4D image (or channel) the views show, counted from 0");
  volumeLayout->addWidget(out.volumeSelector);
  out.volumeAction = tools->addWidget(volumeTools);
  out.volumeAction->setVisible(false);
  return out;
}

void ViewerMenus::fillRecentFiles(QMenu* menu, MainWindow& window, const QStringList& recent,
                                  const std::function<void()>& clear) {
  menu->clear();
  MainWindow* w = &window;
  for (const QString& path : recent) menu->addAction(path, w, [w, path] { w->openAnyInBackground(path); });
  if (recent.isEmpty()) {
    menu->addAction("(none)")->setEnabled(false);
    return;
  }
  menu->addSeparator();
  menu->addAction("Clear", w, clear);
}

}  // namespace aunet::gui
