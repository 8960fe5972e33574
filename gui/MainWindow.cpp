#include "gui/MainWindow.h"

#include <QTableView>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSpinBox>
#include <QStatusBar>
#include <QTimer>

#include <exception>

#include "core/Error.h"
#include "core/HeapReuse.h"
#include "gui/EditInteraction.h"
#include "gui/EditToolPanel.h"
#include "gui/MeasurementPanel.h"
#include "gui/MeasurementTool.h"
#include "gui/CorrectionLoop.h"
#include "gui/FineTuneDialog.h"
#include "gui/OverlayPanel.h"
#include "gui/SegmentationPanel.h"
#include "gui/SeriesPickerDialog.h"
#include "gui/SliceView.h"
#include "gui/SurfaceBuilder.h"
#include "gui/SurfaceExport.h"
#include "gui/SurfaceView.h"
#include "gui/TaskIndicator.h"
#include "gui/ViewGrid.h"
#include "gui/ViewerController.h"
#include "gui/ViewerMenus.h"
#include "gui/WindowPresetBox.h"
#include "gui/WindowPresets.h"
#include "io/ImageReader.h"

namespace aunet::gui {

constexpr ViewAxis kAxes[] = {ViewAxis::Axial, ViewAxis::Coronal, ViewAxis::Sagittal};  // this file's only

MainWindow::MainWindow(SegmenterFactory factory, std::unique_ptr<ViewerSettings> settings, QWidget* parent)
    : QMainWindow(parent),
      settings_(settings ? std::move(settings) : std::make_unique<ViewerSettings>()),
      controller_(new ViewerController(std::move(factory), this)),
      state_(controller_->viewState()),
      overlays_(controller_->overlays()),
      document_(&controller_->document()),
      legend_(&controller_->legend()),
      job_(&controller_->segmentationJob()),
      correctionLoop_(new CorrectionLoop(*controller_, nullptr, this)) {
  setWindowTitle("aunet viewer[*]");  // [*]: unsaved edits
  setAcceptDrops(true);
  resize(1400, 900);
  buildViews();
  buildDocks();
  buildMenus();
  buildEditing();
  hoverLabel_ = new QLabel(this);
  hoverLabel_->setObjectName("hover");
  statusBar()->addPermanentWidget(hoverLabel_, 1);
  statusBar()->addPermanentWidget(new TaskIndicator(controller_->tasks(), this));

  windowSaveTimer_ = new QTimer(this);
  windowSaveTimer_->setSingleShot(true);
  windowSaveTimer_->setInterval(500);
  connect(windowSaveTimer_, &QTimer::timeout, this, &MainWindow::rememberWindow);

  TaskRunner& tasks = controller_->tasks();
  connect(&tasks, &TaskRunner::started, this, [this](const QString& what) {
    if (!what.isEmpty()) statusBar()->showMessage(what);
  });
  connect(&tasks, &TaskRunner::failed, this, &MainWindow::reportError);
  connect(&tasks, &TaskRunner::dropped, this, [this](const QString& what) {
    if (!what.isEmpty()) notify("Discarded a result that belonged to the previous image");
  });
  connect(&tasks, &TaskRunner::idle, this, &MainWindow::backgroundJobsFinished);
  connect(controller_, &ViewerController::notice, this, &MainWindow::notify);
  connect(document_, &ViewerDocument::imageChanged, this, &MainWindow::onImageChanged);
  connect(document_, &ViewerDocument::labelsChanged, this, &MainWindow::onLabelsChanged);
  connect(document_, &ViewerDocument::attentionChanged, this, &MainWindow::onAttentionChanged);
  connect(overlayPanel_, &OverlayPanel::changed, this, [this] {
    surfaces_->setAttention(overlays_.attentionIndex);
    refreshAllViews(true);
  });
  connect(overlayPanel_->legendView(), &QAbstractItemView::doubleClicked, this,
          [this](const QModelIndex& index) { jumpToLabel(legend_->labelValueAt(index.row())); });

  segmentationPanel_->follow(*controller_);
  connect(controller_, &ViewerController::segmentationFinished, this,
          [this](bool ok, const QString&) { Q_EMIT segmentationFinished(ok); });
  connect(controller_, &ViewerController::error, this, &MainWindow::reportError);
  connect(controller_, &ViewerController::statisticsChanged, this, [this] {
    updateInfoPanel();
    refreshAllViews(true);
  });
  connect(controller_, &ViewerController::modelLoaded, this, [this](const QString& path) {
    settings_->addRecentFile(path);
    updateRecentMenu();
    updateInfoPanel();
  });
  // The run's tensors were freed into the heap for reuse; a viewer left open gives them back.
  connect(this, &MainWindow::segmentationFinished, this, [] { core::releaseFreedMemory(); });
  connect(segmentationPanel_, &SegmentationPanel::openModelRequested, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, "Open model", {}, "aunet models (*.aunet);;All files (*)");
    if (!path.isEmpty()) openModelInBackground(path);
  });
  connect(segmentationPanel_, &SegmentationPanel::segmentRequested, this, &MainWindow::startSegmentation);
  connect(segmentationPanel_, &SegmentationPanel::cancelRequested, this, &MainWindow::cancelSegmentation);

  fillWindowCombo();
  updateInfoPanel();
  updateRecentMenu();
}

MainWindow::~MainWindow() {
  // Background work (meshes, statistics) may read the window's members: it ends first.
  controller_->tasks().waitForWorkers();
  // The views hold the editor's hook, which goes before them.
  for (ViewAxis axis : kAxes) view(axis)->removeHook(editInteraction_.get());
}

void MainWindow::buildEditing() {
  MaskEditor& editor = controller_->editor();
  controller_->history().setMemoryBudget(settings_->undoBudgetBytes());
  editInteraction_ = std::make_unique<EditInteraction>(editor, state_);
  // After the measurement tool (buildViews): measurements are offered the mouse first.
  for (ViewAxis axis : kAxes) view(axis)->addHook(editInteraction_.get());
  editPanel_ = new EditToolPanel(*controller_, this);
  auto* dock = new QDockWidget("Edit", this);
  dock->setObjectName("editDock");
  dock->setWidget(editPanel_);
  addDockWidget(Qt::LeftDockWidgetArea, dock);
  connect(editPanel_, &EditToolPanel::changed, this, [this] { refreshAllViews(false); });
  connect(editPanel_, &EditToolPanel::interpolateRequested, this, [this] {
    const int64_t filled = controller_->editor().interpolate(viewGrid_->active());
    notify(filled > 0 ? QString("Filled %1 voxel(s) between slices").arg(filled)
                      : QString("Nothing to fill: draw the active label on two or more slices of this view"));
  });
  connect(document_, &ViewerDocument::labelsEdited, this,
          [this](const imaging::LabelDelta*, bool, core::Index3 min, core::Index3 max) { onLabelsEdited(min, max); });

  // Keys of the editor (window-wide, like the menus' shortcuts).
  const auto key = [this](const QKeySequence& sequence, std::function<void()> action) {
    auto* a = new QAction(this);
    a->setShortcut(sequence);
    connect(a, &QAction::triggered, this, std::move(action));
    addAction(a);
  };
  const auto tool = [this](EditTool t) {
    // One tool owns the left button: an editing tool ends measuring (and Esc both).
    if (measurementTool_) measurementTool_->setMode(MeasurementTool::Mode::None);
    controller_->editor().setTool(t);
    editPanel_->sync();
    refreshAllViews(false);
    notify(QString("Tool: %1").arg(editToolName(t)));
  };
  key(QKeySequence("B"), [tool] { tool(EditTool::Brush); });
  key(QKeySequence("E"), [tool] { tool(EditTool::Eraser); });
  key(QKeySequence("F"), [tool] { tool(EditTool::FloodFill); });
  key(QKeySequence("Esc"), [tool] { tool(EditTool::Navigate); });
  for (int n = 1; n <= 9; ++n)
    key(QKeySequence(QString::number(n)), [this, n] {
      controller_->editor().setActiveLabel(static_cast<uint16_t>(n));
      editPanel_->sync();
      notify(QString("Active label: %1").arg(QString::fromStdString(document_->labelName(n))));
    });
  const auto size = [this](int steps) {
    controller_->editor().stepBrushSize(steps);
    editPanel_->sync();
    refreshAllViews(false);
  };
  key(QKeySequence("["), [size] { size(-1); });
  key(QKeySequence("]"), [size] { size(1); });

  connect(controller_, &ViewerController::historyChanged, this,
          [this] { setWindowModified(controller_->hasUnsavedEdits()); });
  autosaveTimer_ = new QTimer(this);
  autosaveTimer_->setInterval(settings_->autosaveSeconds() * 1000);
  connect(autosaveTimer_, &QTimer::timeout, this, &MainWindow::autosave);
  autosaveTimer_->start();
}

void MainWindow::onLabelsEdited(const core::Index3& min, const core::Index3& max) {
  // Only the views whose slice crosses the edited box render again.
  for (ViewAxis axis : kAxes) {
    const int n = state_.slice(axis).normalAxis;
    const int64_t shown = state_.cursor()[static_cast<size_t>(n)];
    if (shown >= min[static_cast<size_t>(n)] && shown <= max[static_cast<size_t>(n)]) view(axis)->invalidateContent();
  }
}

bool MainWindow::saveMaskInPlace() {
  QString path;
  const bool ok = guarded([&] { path = controller_->saveMaskInPlace(); });
  if (ok) {
    ViewerController::clearRecovery(settings_->recoveryFolder());
    notify("Saved " + path);
  }
  return ok;
}

bool MainWindow::confirmUnsavedEdits(const QString& action) {
  if (!controller_->hasUnsavedEdits() || !interactive_) return true;
  const auto answer = QMessageBox::warning(
      this, "aunet viewer",
      QString("The mask has unsaved edits. Save them to %1 before you %2?")
          .arg(QFileInfo(controller_->maskSavePath()).fileName(), action),
      QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
  if (answer == QMessageBox::Cancel) return false;
  if (answer == QMessageBox::Save) return saveMaskInPlace();
  return true;
}

void MainWindow::autosave() {
  if (!controller_->hasUnsavedEdits()) return;
  try {
    controller_->writeRecovery(settings_->recoveryFolder());
  } catch (const std::exception& e) {
    notify(QString("Autosave failed: %1").arg(e.what()));
  }
}

bool MainWindow::offerRecovery() {
  const QString folder = settings_->recoveryFolder();
  QString image;
  if (!ViewerController::recoveryAvailable(folder, &image)) return false;
  if (interactive_ &&
      QMessageBox::question(this, "aunet viewer",
                            QString("The viewer closed with unsaved edits of the mask of %1. Restore them?")
                                .arg(QFileInfo(image).fileName())) != QMessageBox::Yes) {
    ViewerController::clearRecovery(folder);
    return false;
  }
  const bool ok = guarded([&] { controller_->restoreRecovery(folder); });
  if (ok) {
    setWindowTitle(QString("aunet viewer - %1[*]").arg(QFileInfo(image).fileName()));
    setWindowModified(controller_->hasUnsavedEdits());
    notify("Restored the unsaved edits of " + image);
  }
  return ok;
}

// ---------------------------------------------------------------------------- building

void MainWindow::buildViews() {
  surfaces_ = new SurfaceBuilder(document_, &controller_->tasks(), this);
  viewGrid_ = new ViewGrid(&state_, document_, &overlays_, surfaces_, this);
  if (surfaceView()) connect(surfaceView(), &SurfaceView::cursorChanged, this, [this] { refreshAllViews(false); });
  measurementTool_ = new MeasurementTool(&controller_->measurements(), document_, this);
  for (ViewAxis axis : kAxes) view(axis)->addHook(measurementTool_);
  connect(measurementTool_, &MeasurementTool::repaintNeeded, this, [this] { refreshAllViews(false); });
  // Measuring takes the left button from the editor (back to navigation).
  connect(measurementTool_, &MeasurementTool::modeChanged, this, [this](MeasurementTool::Mode mode) {
    if (mode == MeasurementTool::Mode::None || controller_->editor().tool() == EditTool::Navigate) return;
    controller_->editor().setTool(EditTool::Navigate);
    editPanel_->sync();
  });
  // Measurements are kept with the image they were drawn on.
  connect(&controller_->measurements(), &MeasurementSet::changed, this, [this] {
    if (!loadingMeasurements_ && document_->hasImage())
      settings_->setMeasurementsFor(QString::fromStdString(document_->imagePath()), controller_->measurements().toJson());
  });
  cineTimer_ = new QTimer(this);
  connect(cineTimer_, &QTimer::timeout, this, [this] {
    const ViewAxis axis = viewGrid_->activeView()->axis();
    if (!document_->hasImage()) return;
    if (!state_.stepSlice(axis, 1)) state_.stepSlice(axis, -state_.sliceCount(axis));  // wrap to the first
    refreshAllViews(false);
  });
  for (ViewAxis axis : kAxes) {
    SliceView* v = view(axis);
    connect(v, &SliceView::cursorChanged, this, [this] { refreshAllViews(false); });
    connect(v, &SliceView::windowChanged, this, [this] {
      syncWindowCombo();
      refreshAllViews(false);
      windowSaveTimer_->start();
    });
    connect(v, &SliceView::hovered, this, &MainWindow::onHover);
    connect(v, &SliceView::maximizeToggled, this, [this](ViewAxis axis) {
      if (isMaximized(axis) && state_.geometry().size[2] > 1)
        showAllViews();
      else
        maximizeView(axis);
    });
  }
  setCentralWidget(viewGrid_);
}

void MainWindow::buildDocks() {
  overlayPanel_ = new OverlayPanel(&overlays_, legend_, this);
  auto* overlayDock = new QDockWidget("Overlays", this);
  overlayDock->setObjectName("overlaysDock");
  overlayDock->setWidget(overlayPanel_);
  addDockWidget(Qt::RightDockWidgetArea, overlayDock);
  segmentationPanel_ = new SegmentationPanel(this);
  auto* segDock = new QDockWidget("Segmentation", this);
  segDock->setObjectName("segmentationDock");
  segDock->setWidget(segmentationPanel_);
  addDockWidget(Qt::RightDockWidgetArea, segDock);
  // The study information (image, model grid, volumes, warnings), where the 2x2 layout's
  // fourth pane had it before the 3D view took that place.
  studyInfo_ = new QLabel(this);
  studyInfo_->setObjectName("studyInfo");
  studyInfo_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
  studyInfo_->setWordWrap(true);
  studyInfo_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  studyInfo_->setMargin(6);
  auto* measurePanel = new MeasurementPanel(measurementTool_, &state_, document_, this);
  connect(measurePanel, &MeasurementPanel::showRequested, this, [this](int index) {
    const auto& items = controller_->measurements().items();
    if (index < 0 || index >= static_cast<int>(items.size())) return;
    const Measurement& m = items[static_cast<size_t>(index)];
    state_.stepSlice(m.view, m.slice - state_.sliceIndex(m.view));
    refreshAllViews(false);
  });
  auto* measureDock = new QDockWidget("Measurements", this);
  measureDock->setObjectName("measurementsDock");
  measureDock->setWidget(measurePanel);
  auto* infoDock = new QDockWidget("Study", this);
  infoDock->setObjectName("studyDock");
  infoDock->setWidget(studyInfo_);
  addDockWidget(Qt::RightDockWidgetArea, infoDock);
  tabifyDockWidget(infoDock, measureDock);
  infoDock->raise();
  resizeDocks({overlayDock, segDock, infoDock}, {460, 260, 200}, Qt::Vertical);
  resizeDocks({overlayDock}, {360}, Qt::Horizontal);
}

void MainWindow::buildMenus() {
  const ViewerMenus::Built built = ViewerMenus::build(*this);
  recentMenu_ = built.recentFiles;
  windowCombo_ = built.windowPresets;
  volumeBox_ = built.volumeSelector;
  volumeAction_ = built.volumeAction;
  connect(windowCombo_, qOverload<int>(&QComboBox::activated), this, &MainWindow::applyPreset);
  connect(volumeBox_, qOverload<int>(&QSpinBox::valueChanged), this, &MainWindow::showVolume);
}

void MainWindow::showVolume(int volume) {
  const auto image = document_->image();
  if (!image || !state_.setChannel(volume, image->channels())) return;
  applyWindow(WindowPresets::automatic(*image, state_.channel()));
  updateInfoPanel();
  refreshAllViews(true);
}

// ---------------------------------------------------------------------------- errors

void MainWindow::setFineTuner(std::shared_ptr<model::FineTuner> fineTuner) {
  delete correctionLoop_;
  correctionLoop_ = new CorrectionLoop(*controller_, std::move(fineTuner), this);
}

bool MainWindow::addToTrainingDataset(const QString& folder, const QString& caseName) {
  std::string id;
  if (!guarded([&] { id = correctionLoop_->addToDataset(folder, caseName); })) return false;
  notify("Added case " + QString::fromStdString(id) + " to " + folder);
  return true;
}

FineTuneDialog* MainWindow::startFineTune(const QString& dataset, const QString& runDir, int epochs, int iterations) {
  QString whyNot;
  auto* dialog = new FineTuneDialog(*correctionLoop_, *controller_, this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  if (!correctionLoop_->startFineTune(dataset, runDir, epochs, iterations, &whyNot)) {
    delete dialog;
    reportError("Cannot fine-tune: " + whyNot);
    return nullptr;
  }
  dialog->show();
  return dialog;
}

void MainWindow::reportError(const QString& message) {
  statusBar()->showMessage("Error: " + message, 10000);
  Q_EMIT errorOccurred(message);
  if (interactive_) QMessageBox::critical(this, "aunet viewer", message);
}

void MainWindow::notify(const QString& message) { statusBar()->showMessage(message, 8000); }

bool MainWindow::guarded(const std::function<void()>& action) {
  try {
    QApplication::setOverrideCursor(Qt::WaitCursor);
    action();
    QApplication::restoreOverrideCursor();
    return true;
  } catch (const std::bad_alloc&) {
    QApplication::restoreOverrideCursor();
    reportError("not enough memory");
  } catch (const std::exception& e) {
    QApplication::restoreOverrideCursor();
    reportError(QString::fromStdString(e.what()));
  } catch (...) {
    QApplication::restoreOverrideCursor();
    reportError("unexpected error");
  }
  return false;
}

// ---------------------------------------------------------------------------- opening

bool MainWindow::openImage(const QString& path, const QString& dicomSeriesId) {
  if (path.isEmpty() || !confirmUnsavedEdits("open another image")) return false;
  return guarded([&] {
    QString series = dicomSeriesId;
    if (QFileInfo(path).isDir() && series.isEmpty()) {
      bool cancelled = false;
      series = SeriesPickerDialog::choose(path, interactive_, this, &cancelled);
      if (cancelled) return;
    }
    // Read fully before touching the open study: a bad file leaves it (and a
    // background open still running) as it was.
    adoptImage(ViewerDocument::readImage(path.toStdString(), series.toStdString()), path);
  });
}

void MainWindow::openImageInBackground(const QString& path) {
  if (path.isEmpty() || !confirmUnsavedEdits("open another image")) return;
  QString series;
  bool cancelled = false;
  if (QFileInfo(path).isDir() && !guarded([&] { series = SeriesPickerDialog::choose(path, interactive_, this, &cancelled); })) return;
  if (cancelled) return;
  controller_->openImageInBackground(path, series);
}

void MainWindow::adoptImage(core::Volume image, const QString& path) {
  rememberWindow();
  controller_->adoptImage(std::move(image), QFileInfo(path).absoluteFilePath().toStdString());
  settings_->addRecentFile(path);
  updateRecentMenu();
  setWindowTitle(QString("aunet viewer - %1[*]").arg(QFileInfo(path).fileName()));  // [*]: unsaved edits
  statusBar()->clearMessage();
}

// ---------------------------------------------------------------------------- background jobs

bool MainWindow::startLabelJob(const QString& path, bool reference) {
  QString whyNot;
  if (controller_->openMaskInBackground(path, reference, &whyNot)) {
    if (!reference) {
      settings_->addRecentFile(path);
      updateRecentMenu();
    }
    return true;
  }
  reportError(whyNot);
  return false;
}

bool MainWindow::openMaskInBackground(const QString& path) { return startLabelJob(path, false); }

bool MainWindow::openReferenceInBackground(const QString& path) { return startLabelJob(path, true); }

bool MainWindow::openAttentionInBackground(const QString& path) {
  QString whyNot;
  if (controller_->openAttentionInBackground(path, &whyNot)) return true;
  reportError(whyNot);
  return false;
}

bool MainWindow::openModelInBackground(const QString& path) {
  QString whyNot;
  if (controller_->openModelInBackground(path, &whyNot)) return true;
  reportError(whyNot);
  return false;
}

bool MainWindow::openMask(const QString& path) { return openMaskInBackground(path) && waitForBackgroundJobs(); }

bool MainWindow::openReference(const QString& path) {
  return openReferenceInBackground(path) && waitForBackgroundJobs();
}

bool MainWindow::openAttention(const QString& path) {
  return openAttentionInBackground(path) && waitForBackgroundJobs();
}

bool MainWindow::openModel(const QString& path) { return openModelInBackground(path) && waitForBackgroundJobs(); }

void MainWindow::openAnyInBackground(const QString& path) {
  if (path.endsWith(".aunet", Qt::CaseInsensitive))
    openModelInBackground(path);
  else if (!opensAsImage(path))
    openMaskInBackground(path);
  else
    openImageInBackground(path);
}

bool MainWindow::openAny(const QString& path) {
  if (path.endsWith(".aunet", Qt::CaseInsensitive)) return openModel(path);
  if (!opensAsImage(path)) return openMask(path);
  return openImage(path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList paths;
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) paths << url.toLocalFile();
  paths = ViewerController::openingOrder(paths);
  // One image alone loads in the background; several files open in order, so a mask
  // dropped with its image lands on it.
  if (paths.size() == 1)
    openAnyInBackground(paths.front());
  else
    for (const QString& p : paths) openAny(p);
  event->acceptProposedAction();
}

// ---------------------------------------------------------------------------- saving

bool MainWindow::saveMask(const QString& path) {
  return guarded([&] {
    controller_->saveMask(path);
    notify("Saved " + path);
  });
}

bool MainWindow::saveAttention(const QString& folder) {
  return guarded([&] {
    const int saved = controller_->saveAttention(folder);
    notify(QString("Saved %1 attention map(s) into %2").arg(saved).arg(folder));
  });
}

bool MainWindow::saveStatistics(const QString& path) {
  return guarded([&] {
    controller_->saveStatistics(path);
    notify("Saved " + path);
  });
}

bool MainWindow::exportView(const QString& path) {
  if (!document_->hasImage()) {
    reportError("nothing to export: open an image first");
    return false;
  }
  return guarded([&] {
    // The 2x2 layout as the user sees it (three slices and the 3D view), or the one
    // maximized view.
    QWidget* shown = viewGrid_->anyMaximized() ? static_cast<QWidget*>(activeView()) : viewGrid_;
    const QImage image = shown->grab().toImage();
    if (!image.save(path, "PNG")) throw core::Error(path.toStdString(), "cannot write the PNG file");
    notify("Exported " + path);
  });
}

int MainWindow::exportSurfaces(const QString& folder, const QString& format) {
  if (!document_->labels()) {
    reportError("no surfaces to export: open or segment a mask first");
    return 0;
  }
  int written = 0;
  guarded([&] {
    written = writeLabelSurfaces(*document_->labels(), document_->palette(), folder.toStdString(),
                                 format.toStdString(), SurfaceBuilder::viewerOptions());
    notify(QString("Exported %1 surface(s) into %2").arg(written).arg(folder));
  });
  return written;
}

// ---------------------------------------------------------------------------- segmentation

bool MainWindow::startSegmentation() {
  QString whyNot;
  if (!controller_->startSegmentation(segmentationPanel_->settings(), &whyNot)) {
    if (!job_->running()) reportError(whyNot);
    return false;
  }
  segmentationPanel_->setRunning(true);
  segmentationPanel_->setStatus("Segmenting " + QFileInfo(QString::fromStdString(document_->imagePath())).fileName());
  return true;
}

void MainWindow::cancelSegmentation() {
  if (job_->running()) {
    controller_->cancelSegmentation();
    segmentationPanel_->setStatus("Cancelling...");
  }
}

// ---------------------------------------------------------------------------- views

SliceView* MainWindow::view(ViewAxis axis) const { return viewGrid_->view(axis); }

SliceView* MainWindow::activeView() const { return viewGrid_->activeView(); }

SurfaceView* MainWindow::surfaceView() const { return viewGrid_->surfaceView(); }

void MainWindow::setCinePlaying(bool playing, int intervalMs) {
  if (!playing) {
    cineTimer_->stop();
    return;
  }
  cineTimer_->start(std::max(10, intervalMs));
}

bool MainWindow::cinePlaying() const { return cineTimer_->isActive(); }

void MainWindow::showAllViews() {
  if (document_->hasImage() && state_.geometry().size[2] == 1) return;  // 2D images have one view
  viewGrid_->showAll();
}

void MainWindow::maximizeView(ViewAxis axis) { viewGrid_->maximize(axis); }

bool MainWindow::isMaximized(ViewAxis axis) const { return viewGrid_->isMaximized(axis); }

bool MainWindow::undoEdit() {
  if (job_->running()) return false;  // the running segmentation would land on another mask
  controller_->editor().endStroke();
  const std::string what = controller_->history().undoText();
  if (!controller_->history().undo()) return false;
  notify("Undid " + QString::fromStdString(what));
  return true;
}

bool MainWindow::redoEdit() {
  if (job_->running()) return false;
  const std::string what = controller_->history().redoText();
  if (!controller_->history().redo()) return false;
  notify("Redid " + QString::fromStdString(what));
  return true;
}

bool MainWindow::jumpToLabel(int label) {
  if (!controller_->jumpToLabel(label)) return false;
  refreshAllViews(false);
  notify(QString("Crosshair on %1").arg(QString::fromStdString(document_->labelName(label))));
  return true;
}

void MainWindow::resetViews() {
  state_.resetTransforms();
  refreshAllViews(false);
}

void MainWindow::refreshAllViews(bool content) {
  for (ViewAxis axis : kAxes) {
    SliceView* v = view(axis);
    if (content)
      v->invalidateContent();
    else
      v->update();
  }
  if (surfaceView()) surfaceView()->update();  // the slice planes follow the crosshair
}

void MainWindow::applyWindow(const WindowLevel& window) {
  state_.setWindow(window);
  syncWindowCombo();
  refreshAllViews(false);
  windowSaveTimer_->start();
}

QComboBox* MainWindow::windowCombo() const { return windowCombo_; }

void MainWindow::fillWindowCombo() { windowCombo_->fill(document_->image().get()); }

void MainWindow::syncWindowCombo() { windowCombo_->sync(state_.window(), document_->image().get()); }

void MainWindow::applyPreset(int index) {
  if (const auto window = windowCombo_->windowAt(index, document_->image().get())) applyWindow(*window);
}

void MainWindow::rememberWindow() {
  if (document_->hasImage()) settings_->setWindowFor(QString::fromStdString(document_->imagePath()), state_.window());
}

// ---------------------------------------------------------------------------- document changes

void MainWindow::onImageChanged() {
  const auto image = document_->image();
  if (!image) return;
  {
    const QSignalBlocker block(volumeBox_);
    volumeBox_->setRange(0, image->channels() - 1);
    volumeBox_->setValue(0);
  }
  volumeAction_->setVisible(image->channels() > 1);
  const auto remembered = settings_->windowFor(QString::fromStdString(document_->imagePath()));
  state_.setWindow(remembered ? *remembered : WindowPresets::initial(*image));
  fillWindowCombo();
  syncWindowCombo();
  if (image->geometry().size[2] == 1)
    maximizeView(ViewAxis::Axial);  // a 2D image has no coronal or sagittal view
  else if (viewGrid_->anyMaximized() && !isMaximized(viewGrid_->active()))
    showAllViews();
  {
    loadingMeasurements_ = true;
    MeasurementSet& measurements = controller_->measurements();
    const QString kept = settings_->measurementsFor(QString::fromStdString(document_->imagePath()));
    if (kept.isEmpty() || !measurements.fromJson(kept)) measurements.clear();
    loadingMeasurements_ = false;
  }
  segmentationPanel_->setImageAvailable(true);
  segmentationPanel_->setStatus(controller_->segmenter() ? "Ready" : "");
  updateInfoPanel();
  refreshAllViews(true);
}

void MainWindow::onLabelsChanged() {
  overlayPanel_->setReferenceAvailable(document_->reference() != nullptr);
  updateInfoPanel();
  refreshAllViews(true);
}

void MainWindow::onAttentionChanged() {
  overlayPanel_->setAttentionLevels(document_->attentionLevels());
  surfaces_->setAttention(overlays_.attentionIndex);  // the gate the panel now shows
  refreshAllViews(true);
}

void MainWindow::onHover(bool inside, const core::Index3& voxel) {
  hoverLabel_->setText(inside ? controller_->describeVoxel(voxel) : QString());
}

QString MainWindow::statusText() const { return hoverLabel_->text(); }

void MainWindow::updateInfoPanel() { studyInfo_->setText(controller_->describe()); }

void MainWindow::updateRecentMenu() {
  ViewerMenus::fillRecentFiles(recentMenu_, *this, settings_->recentFiles(), [this] {
    settings_->clearRecentFiles();
    updateRecentMenu();
  });
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirmUnsavedEdits("close")) {
    event->ignore();
    return;
  }
  // Closed on purpose: nothing to recover next time.
  if (!controller_->hasUnsavedEdits()) ViewerController::clearRecovery(settings_->recoveryFolder());
  rememberWindow();
  cineTimer_->stop();
  job_->cancel();
  QMainWindow::closeEvent(event);
}

}  // namespace aunet::gui
