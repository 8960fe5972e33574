#pragma once
// Segmentation controls: the model (file, description, labels), the device, Segment,
// a progress bar and Cancel. Holds no model itself; the main window reacts to its
// requests and feeds back state.

#include <QWidget>

#include "model/api/ModelMetadata.h"
#include "model/api/Segmenter.h"

class QComboBox;
class QCheckBox;
class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QStandardItemModel;

namespace aunet::gui {

class ViewerController;

class SegmentationPanel : public QWidget {
  Q_OBJECT
 public:
  explicit SegmentationPanel(QWidget* parent = nullptr);

  void setModel(const QString& path, const model::ModelMetadata& metadata);
  // No segmentation available (no pipeline in this build): everything disabled, why in a tooltip.
  void setUnavailable(const QString& reason);
  void setImageAvailable(bool available);
  void setRunning(bool running);
  void setProgress(double fraction, const QString& stage);
  void setStatus(const QString& text);
  // Shows what `controller`'s segmentation does: the model, progress, the outcome.
  void follow(ViewerController& controller);
  model::SegmentationSettings settings() const;

  QPushButton* segmentButton() const { return segment_; }
  QPushButton* cancelButton() const { return cancel_; }
  QProgressBar* progressBar() const { return progress_; }

 Q_SIGNALS:
  void openModelRequested();
  void segmentRequested();
  void cancelRequested();

 private:
  void updateEnabled();

  QPushButton* openModel_;
  QLabel* modelName_;
  QLabel* description_;
  QStandardItemModel* labels_;
  QListView* labelList_;
  QComboBox* device_;
  QCheckBox* mirroring_;
  QPushButton* segment_;
  QPushButton* cancel_;
  QProgressBar* progress_;
  QLabel* status_;
  bool hasModel_ = false;
  bool hasImage_ = false;
  bool running_ = false;
  bool unavailable_ = false;
};

}  // namespace aunet::gui
