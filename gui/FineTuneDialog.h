#pragma once
// The viewer's "Fine-tune model on dataset..." window: progress, the live loss curve
// and Cancel while the fine-tuning runs on the viewer's TaskRunner; then it offers to
// segment the open image with the new model and shows the old mask and the new one
// side by side on the current slice, with Dice per label between them, and lets the
// user switch to the new model or keep its mask (one undo-able edit). The work is in
// CorrectionLoop; this is widgets only.

#include <QDialog>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace aunet::gui {

class CorrectionLoop;
class LossCurveWidget;
class ViewerController;

class FineTuneDialog : public QDialog {
  Q_OBJECT
 public:
  FineTuneDialog(CorrectionLoop& loop, ViewerController& controller, QWidget* parent = nullptr);

  QProgressBar* progressBar() const { return progress_; }
  LossCurveWidget* lossCurve() const { return curve_; }
  QPushButton* compareButton() const { return compare_; }
  QTableWidget* diceTable() const { return table_; }
  QString statusText() const;

 private:
  void onProgress(int epoch, int epochs, int iteration, int iterations, double loss);
  void onFinished(bool succeeded, const QString& detail);
  void onCompared(bool succeeded, const QString& detail);

  CorrectionLoop& loop_;
  ViewerController& controller_;
  QLabel* status_;
  QProgressBar* progress_;
  LossCurveWidget* curve_;
  QPushButton* cancel_;
  QPushButton* compare_;
  QPushButton* useModel_;
  QPushButton* keepMask_;
  QLabel* before_;
  QLabel* after_;
  QTableWidget* table_;
  QWidget* comparison_;
};

}  // namespace aunet::gui
