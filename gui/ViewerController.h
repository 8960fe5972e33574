#pragma once
// The viewer's logic without widgets (ITK-SNAP's GUI/Model layer): the document, the
// view state, the undo stack, the one background task runner, the model, and what a
// user does to them (open, replace or save a mask, save attention maps and statistics,
// describe the study, jump to a label). MainWindow's widgets observe it and forward
// user actions; its tests run without a display (tests/gui/ViewerControllerTest.cpp).

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gui/EditHistory.h"
#include "gui/LabelTableModel.h"
#include "gui/MaskEditor.h"
#include "gui/MeasurementSet.h"
#include "gui/SegmentationJob.h"
#include "gui/OverlaySettings.h"
#include "gui/TaskRunner.h"
#include "gui/ViewState.h"
#include "gui/ViewerDocument.h"
#include "imaging/LabelStatistics.h"
#include "model/api/Segmenter.h"

namespace aunet::gui {

// Loads a model file into a segmenter (the viewer's main hands in the torch pipeline;
// the GUI itself never sees Torch). Empty: segmentation is not available.
using SegmenterFactory = std::function<std::unique_ptr<model::Segmenter>(const std::string& modelPath)>;

// Writes a mask as a DICOM object of the open series: `rtStruct` false for a SEG, true
// for an RT Structure Set, atomically to `path` (the viewer's main hands in the
// pipeline's writer; without one, a mask that came from DICOM is saved as NIfTI).
using DicomMaskWriter = std::function<void(const core::LabelMap& mask, const std::string& seriesPath,
                                           const std::vector<model::LabelInfo>& labels, bool rtStruct,
                                           const std::string& path)>;

class ViewerController : public QObject {
  Q_OBJECT
 public:
  explicit ViewerController(SegmenterFactory factory = {}, QObject* parent = nullptr);
  ~ViewerController() override;  // the segmentation worker stops before the document goes

  ViewerDocument& document() { return *document_; }
  const ViewerDocument& document() const { return *document_; }
  ViewState& viewState() { return state_; }
  const ViewState& viewState() const { return state_; }
  OverlaySettings& overlays() { return overlays_; }
  EditHistory& history() { return history_; }
  // The mask editing tools (brush, eraser, fill, islands, interpolation, labels); each
  // edit is one entry of history().
  MaskEditor& editor() { return editor_; }
  // Edits since the mask was opened or last saved.
  bool hasUnsavedEdits() const { return document_->labels() && !history_.isClean(); }
  TaskRunner& tasks() { return *tasks_; }
  // The legend's rows: per-label counts, mL and Dice of the open masks.
  LabelTableModel& legend() { return *legend_; }
  SegmentationJob& segmentationJob() { return *job_; }
  // The open image's rulers and regions (kept per image by the window's settings).
  MeasurementSet& measurements() { return *measurements_; }
  bool canSegment() const { return static_cast<bool>(factory_); }
  // Loads other models than the open one (the correction loop's fine-tuned model).
  const SegmenterFactory& segmenterFactory() const { return factory_; }

  // The open image. A new one clears the undo stack; a read that fails throws and
  // leaves the document as it was.
  void adoptImage(core::Volume image, const std::string& path);
  // Starts reading `path` on a worker; the image replaces the open one unless another
  // open started meanwhile (a later open wins). Errors reach tasks().failed().
  void openImageInBackground(const QString& path, const QString& dicomSeriesId);
  // Masks, reference masks and attention maps: read and moved onto the image grid on
  // a worker. A mask becomes one undo-able edit. False (and nothing started) without
  // an image; `whyNot` says so.
  bool openMaskInBackground(const QString& path, bool reference, QString* whyNot);
  bool openAttentionInBackground(const QString& path, QString* whyNot);
  // Whether a dropped or recent path opens as the image (else as a mask of the open
  // one): models never; with an image open, an integer single-channel file on its grid
  // size, or named like a mask (seg, mask, label), is a mask.
  bool opensAsImage(const QString& path) const;
  // Files dropped together, in the order to open them: images before masks and models,
  // so a mask dropped with its image lands on it.
  static QStringList openingOrder(QStringList paths);
  // Replaces the mask as one undo-able edit (a segmentation result, a file).
  void replaceMask(core::LabelMap labels, const std::string& path, const std::string& what);

  void setSegmenter(std::shared_ptr<model::Segmenter> segmenter, const QString& path);
  // Loads a model on a worker; modelLoaded() follows. False (nothing started) without a
  // factory or while a segmentation runs; `whyNot` says so.
  bool openModelInBackground(const QString& path, QString* whyNot);
  // Segments the open image on a worker; the result becomes one undo-able mask edit and
  // segmentationFinished() follows. False with `whyNot` when it cannot start.
  bool startSegmentation(const model::SegmentationSettings& settings, QString* whyNot);
  void cancelSegmentation();
  // Counts the open masks again (a worker pass when they changed); statisticsChanged() follows.
  void refreshStatistics();
  const std::shared_ptr<model::Segmenter>& segmenter() const { return segmenter_; }
  const QString& modelPath() const { return modelPath_; }

  // Throw core::Error naming the file on failure; files are written atomically.
  // Saving marks the edits saved (hasUnsavedEdits() false).
  void saveMask(const QString& path);
  // Ctrl+S: the mask back where it came from (its file; a DICOM SEG is written again as a
  // SEG next to it), or, for a new mask or a segmentation result, <image>_mask.nii.gz
  // next to the image. Returns the path written.
  QString saveMaskInPlace();
  // Where saveMaskInPlace() writes.
  QString maskSavePath() const;
  void setDicomMaskWriter(DicomMaskWriter writer) { dicomWriter_ = std::move(writer); }
  // Crash recovery: the mask (and where it belongs) in `folder`, written atomically;
  // recoveryAvailable()/restoreRecovery() offer it on the next start; clearRecovery()
  // after a save or a clean close.
  void writeRecovery(const QString& folder) const;
  static bool recoveryAvailable(const QString& folder, QString* imagePath = nullptr);
  // Opens the recovered image and mask (waits for them); the mask counts as unsaved.
  void restoreRecovery(const QString& folder);
  static void clearRecovery(const QString& folder);
  int saveAttention(const QString& folder) const;  // maps written
  void saveStatistics(const QString& path) const;  // the CSV `aunet segment --stats` writes

  // Moves the cursor onto the label (a voxel nearest its centre); false when absent.
  bool jumpToLabel(int label);
  // The info panel's text: image, model grid, volumes, mask, warnings (rich text).
  QString describe() const;
  // The status bar's line for the voxel under the pointer: position, value, labels,
  // the attention shown.
  QString describeVoxel(const core::Index3& voxel) const;

 Q_SIGNALS:
  void notice(const QString& message);  // for the status bar
  void error(const QString& message);   // a failure the user must see
  void modelLoaded(const QString& path);
  void segmentationFinished(bool succeeded, const QString& status);
  void statisticsChanged();
  void historyChanged();  // an edit was recorded, undone, redone or saved

 private:
  ViewerDocument* document_;
  ViewState state_;
  OverlaySettings overlays_;
  EditHistory history_;
  MaskEditor editor_;
  TaskRunner* tasks_;
  std::shared_ptr<model::Segmenter> segmenter_;
  QString modelPath_;
  int imageGeneration_ = 0;  // opens started; a background read applies only if still the latest
  SegmenterFactory factory_;
  DicomMaskWriter dicomWriter_;
  // The DICOM object kind the open mask came from (None: a plain label file or none).
  int dicomSourceKind() const;
  SegmentationJob* job_;
  std::shared_ptr<const core::Volume> segmentedImage_;
  LabelTableModel* legend_;
  MeasurementSet* measurements_ = new MeasurementSet(this);
  int statisticsGeneration_ = 0;
  bool statisticsCurrent_ = true;  // the legend's numbers describe the open masks
  bool editedDuringPass_ = false;  // a pass running while the mask was edited counts again
  struct DiceCounts {
    int64_t referenceVoxels = 0, sharedVoxels = 0;
  };
  std::map<int, DiceCounts> diceCounts_;  // per reference label, followed through edits
  bool diceCountsValid_ = false;
  std::shared_ptr<const core::LabelMap> statisticsLabels_, statisticsReference_;

  void adoptSegmentation();
  // The legend follows an in-place edit from its delta (counts, mL, Dice) without a pass.
  void updateStatistics(const imaging::LabelDelta& delta, bool reverted);
  // Runs work(image grid) on a worker for the open image; its result is dropped when
  // another image was opened meanwhile. False with `whyNot` ("open an image before its
  // `what`") when none is open.
  bool runOnImage(const QString& path, const QString& what, QString* whyNot,
                  std::function<TaskRunner::UiStep(const core::Geometry&)> work);
};

}  // namespace aunet::gui
