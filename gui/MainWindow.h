#pragma once
// The viewer's window: File menu (images, DICOM folders with a series picker, masks,
// reference masks, attention maps, models, saving, PNG export, recent files), drag
// and drop, the three linked views in a 2x2 layout or one maximized, window presets,
// the overlay and segmentation panels, and a status bar describing the voxel under
// the mouse. Every action has a method that works without dialogs, so tests and the
// command line drive the same code; failures emit errorOccurred and, when
// interactive, show the one-line reason in a message box.

#include <QMainWindow>

#include <functional>
#include <memory>
#include <string>

#include "gui/OverlaySettings.h"
#include "gui/ViewState.h"
#include "gui/ViewerController.h"
#include "gui/ViewerSettings.h"
#include "model/api/FineTuner.h"
#include "model/api/Segmenter.h"

class QComboBox;
class QSpinBox;
class QAction;
class QGridLayout;
class QLabel;
class QMenu;
class QProgressBar;
class QTimer;

namespace aunet::gui {

class EditInteraction;
class EditToolPanel;
class CorrectionLoop;
class FineTuneDialog;
class LabelTableModel;
class MeasurementTool;
class OverlayPanel;
class SegmentationJob;
class SegmentationPanel;
class SliceView;
class SurfaceBuilder;
class SurfaceView;
class ViewerDocument;
class ViewerController;
class ViewGrid;
class WindowPresetBox;


class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  // An empty factory disables segmentation (with the reason in tooltips).
  // `settings` defaults to the user's QSettings; tests pass their own.
  explicit MainWindow(SegmenterFactory factory = {}, std::unique_ptr<ViewerSettings> settings = nullptr,
                      QWidget* parent = nullptr);
  ~MainWindow() override;

  // false: no message boxes or pickers (tests, --screenshot); errors still reach errorOccurred.
  void setInteractive(bool interactive) { interactive_ = interactive; }

  // Each returns false after reporting the error; nothing is half-changed.
  bool openImage(const QString& path, const QString& dicomSeriesId = {});
  // What the menus use: reads on a worker thread with a busy bar, so a large series
  // does not freeze the window; errors arrive through errorOccurred as well.
  void openImageInBackground(const QString& path);
  bool isLoading() const { return controller_->tasks().pending() > 0; }
  // Masks, reference masks, attention maps and models are read (and moved onto the
  // image grid) on a worker thread, like images; the legend's statistics too. The
  // ...InBackground methods return at once (the menus use them); the plain ones
  // start the same job and wait for it (and for the statistics it triggers) with the
  // event loop running, returning whether it succeeded.
  // false when refused at once (no image, no pipeline), after reporting.
  bool openMaskInBackground(const QString& path);
  bool openReferenceInBackground(const QString& path);
  bool openAttentionInBackground(const QString& path);
  bool openModelInBackground(const QString& path);
  bool openMask(const QString& path);
  bool openReference(const QString& path);
  bool openAttention(const QString& path);
  bool openModel(const QString& path);
  // Background jobs (masks, models, statistics; not image loads or segmentation) still running.
  int pendingJobs() const { return controller_->tasks().pending(); }
  // Runs the event loop until no background job is pending; false when one of the jobs
  // that finished meanwhile failed, or on timeout (ms, negative: none).
  // Runs the event loop until background work is done (scripts, tests); true without errors.
  bool waitForBackgroundJobs(int timeoutMs = -1) { return controller_->tasks().waitForIdle(timeoutMs); }
  bool saveMask(const QString& path);
  bool saveAttention(const QString& folder);  // attention_level<N>.nii.gz per gate level
  bool saveStatistics(const QString& path);   // CSV, written atomically
  // The 2x2 layout (with the 3D view) or the one maximized view, as PNG.
  bool exportView(const QString& path);
  // Every label's surface as the viewer meshes it, one file per label like `aunet mesh`
  // writes (format from the extension of `format`: stl, obj or ply); files written.
  int exportSurfaces(const QString& folder, const QString& format = "stl");
  // Opens whatever a dropped/recent path is: model, mask on the open image, or image.
  bool openAny(const QString& path);
  // The same, without waiting (drops, recent files): images, masks and models load on workers.
  void openAnyInBackground(const QString& path);
  // Whether openAny() would open `path` as the study image (not a model or a mask).
  bool opensAsImage(const QString& path) const { return controller_->opensAsImage(path); }
  bool startSegmentation();
  void cancelSegmentation();

  // The correction-to-model loop (gui/CorrectionLoop.h). The viewer's main hands in the
  // fine-tuner; without one, fine-tuning is refused with the reason.
  void setFineTuner(std::shared_ptr<model::FineTuner> fineTuner);
  CorrectionLoop& correctionLoop() { return *correctionLoop_; }
  // Segmentation > Add to training dataset...: the open image and mask as a new case.
  bool addToTrainingDataset(const QString& folder, const QString& caseName = {});
  // Segmentation > Fine-tune model on dataset...: starts it and shows its window
  // (nullptr, after reporting, when it cannot start). epochs/iterations 0: defaults.
  FineTuneDialog* startFineTune(const QString& dataset, const QString& runDir, int epochs = 0, int iterations = 0);

  void showAllViews();
  void maximizeView(ViewAxis axis);
  bool isMaximized(ViewAxis axis) const;
  void resetViews();
  // Moves the crosshair onto a label (double click in the legend); false when absent.
  bool jumpToLabel(int label);
  bool undoEdit();  // Edit > Undo: the last change to the mask (a stroke in progress ends first)
  // Ctrl+S: the mask back where it came from (ViewerController::saveMaskInPlace).
  bool saveMaskInPlace();
  // With unsaved edits: asks Save / Discard / Cancel (interactive), true to go on.
  // Not interactive: true (tests and scripts decide themselves).
  bool confirmUnsavedEdits(const QString& action);
  // The autosave (every ViewerSettings::autosaveSeconds): unsaved edits into the recovery folder.
  void autosave();
  // A recovery left by a session that did not close: offered (interactive) and opened.
  bool offerRecovery();
  EditToolPanel* editPanel() const { return editPanel_; }
  bool redoEdit();
  void applyWindow(const WindowLevel& window);
  void applyPreset(int index);  // index into the window combo
  void showVolume(int volume);  // a 4D image's volume (channel) on screen
  void refreshAllViews(bool content);  // repaint; `content`: the slices themselves changed

  ViewState& viewState() { return state_; }
  ViewerDocument& document() { return *document_; }
  ViewerController& controller() { return *controller_; }
  OverlaySettings& overlaySettings() { return overlays_; }
  SliceView* view(ViewAxis axis) const;
  SliceView* activeView() const;
  SurfaceView* surfaceView() const;  // null without OpenGL (Qt's offscreen platform)
  SurfaceBuilder& surfaces() { return *surfaces_; }
  MeasurementTool& measurementTool() { return *measurementTool_; }
  // Cine: steps the active view through its slices every `intervalMs` (wrapping).
  void setCinePlaying(bool playing, int intervalMs = 100);
  bool cinePlaying() const;
  LabelTableModel* legend() const { return legend_; }
  OverlayPanel* overlayPanel() const { return overlayPanel_; }
  SegmentationPanel* segmentationPanel() const { return segmentationPanel_; }
  SegmentationJob* segmentationJob() const { return job_; }
  QComboBox* windowCombo() const;
  QString statusText() const;
  ViewerSettings& settings() { return *settings_; }

 Q_SIGNALS:
  void errorOccurred(const QString& message);
  void segmentationFinished(bool succeeded);
  void backgroundJobsFinished();  // pendingJobs() dropped to zero

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildMenus();
  void adoptImage(core::Volume image, const QString& path);
  void buildViews();
  void buildDocks();
  void reportError(const QString& message);
  void notify(const QString& message);
  void onImageChanged();
  void onLabelsChanged();
  void onAttentionChanged();
  void onHover(bool inside, const core::Index3& voxel);
  void updateInfoPanel();
  void updateRecentMenu();
  void fillWindowCombo();
  void syncWindowCombo();
  void rememberWindow();
  // Runs `work` on the thread pool; the closure it returns is then run on the UI thread
  // (through guarded()) unless the image changed meanwhile. Errors from `work` are
  // reported like those of guarded().
  using UiStep = std::function<void()>;
  // `sameImage`: drop the result when another image was opened meanwhile.
  void runInBackground(const QString& what, std::function<UiStep()> work, bool sameImage = true);
  bool startLabelJob(const QString& path, bool reference);
  // Runs `action`, turning any exception into reportError; returns whether it succeeded.
  bool guarded(const std::function<void()>& action);

  std::unique_ptr<ViewerSettings> settings_;
  bool interactive_ = true;
  ViewerController* controller_;  // the logic; the widgets below observe it
  ViewState& state_;
  OverlaySettings& overlays_;
  ViewerDocument* document_;
  LabelTableModel* legend_;
  ViewGrid* viewGrid_ = nullptr;
  SurfaceBuilder* surfaces_ = nullptr;
  QLabel* studyInfo_ = nullptr;  // the study information dock's text
  QTimer* cineTimer_ = nullptr;
  MeasurementTool* measurementTool_ = nullptr;
  bool loadingMeasurements_ = false;
  OverlayPanel* overlayPanel_ = nullptr;
  SegmentationPanel* segmentationPanel_ = nullptr;
  SegmentationJob* job_ = nullptr;
  CorrectionLoop* correctionLoop_ = nullptr;
  WindowPresetBox* windowCombo_ = nullptr;
  QSpinBox* volumeBox_ = nullptr;       // a 4D image's volume (channel) on screen
  QAction* volumeAction_ = nullptr;     // shows the box only for images of several volumes
  QLabel* hoverLabel_ = nullptr;
  QMenu* recentMenu_ = nullptr;
  QTimer* windowSaveTimer_ = nullptr;
  QString lastHover_;
  std::unique_ptr<EditInteraction> editInteraction_;
  EditToolPanel* editPanel_ = nullptr;
  QTimer* autosaveTimer_ = nullptr;
  void buildEditing();
  void onLabelsEdited(const core::Index3& min, const core::Index3& max);
  // What the legend's numbers were computed from (a palette change alone needs no new pass).
};

}  // namespace aunet::gui
