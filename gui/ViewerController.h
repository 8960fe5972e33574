#pragma once
// The viewer's logic without widgets (ITK-SNAP's GUI/Model layer): the document, the
// view state, the undo stack, the one background task runner, the model, and what a
// user does to them (open, replace or save a mask, save attention maps and statistics,
// describe the study, jump to a label). MainWindow's widgets observe it and forward
// user actions; its tests run without a display (tests/gui/ViewerControllerTest.cpp).

#include <QObject>
#include <QString>

#include <memory>
#include <string>
#include <vector>

#include "gui/EditHistory.h"
#include "gui/OverlaySettings.h"
#include "gui/TaskRunner.h"
#include "gui/ViewState.h"
#include "gui/ViewerDocument.h"
#include "imaging/LabelStatistics.h"
#include "model/api/Segmenter.h"

namespace aunet::gui {

class ViewerController : public QObject {
  Q_OBJECT
 public:
  explicit ViewerController(QObject* parent = nullptr);

  ViewerDocument& document() { return *document_; }
  const ViewerDocument& document() const { return *document_; }
  ViewState& viewState() { return state_; }
  const ViewState& viewState() const { return state_; }
  OverlaySettings& overlays() { return overlays_; }
  EditHistory& history() { return history_; }
  TaskRunner& tasks() { return *tasks_; }

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
  // Replaces the mask as one undo-able edit (a segmentation result, a file).
  void replaceMask(core::LabelMap labels, const std::string& path, const std::string& what);

  void setSegmenter(std::shared_ptr<model::Segmenter> segmenter, const QString& path);
  const std::shared_ptr<model::Segmenter>& segmenter() const { return segmenter_; }
  const QString& modelPath() const { return modelPath_; }

  // Throw core::Error naming the file on failure; files are written atomically.
  void saveMask(const QString& path) const;
  int saveAttention(const QString& folder) const;  // maps written
  void saveStatistics(const QString& path) const;  // the CSV `aunet segment --stats` writes

  // Moves the cursor onto the label (a voxel nearest its centre); false when absent.
  bool jumpToLabel(int label);
  // The info panel's text: image, model grid, volumes, mask, warnings (rich text).
  QString describe(size_t maskLabels) const;

 Q_SIGNALS:
  void notice(const QString& message);  // for the status bar

 private:
  ViewerDocument* document_;
  ViewState state_;
  OverlaySettings overlays_;
  EditHistory history_;
  TaskRunner* tasks_;
  std::shared_ptr<model::Segmenter> segmenter_;
  QString modelPath_;
  int imageGeneration_ = 0;  // opens started; a background read applies only if still the latest
};

}  // namespace aunet::gui
