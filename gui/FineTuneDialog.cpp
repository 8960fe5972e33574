#include "gui/FineTuneDialog.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "gui/CorrectionLoop.h"
#include "gui/LossCurveWidget.h"
#include "gui/SliceRenderer.h"
#include "gui/ViewerController.h"

namespace aunet::gui {

FineTuneDialog::FineTuneDialog(CorrectionLoop& loop, ViewerController& controller, QWidget* parent)
    : QDialog(parent), loop_(loop), controller_(controller) {
  setWindowTitle("Fine-tune model on dataset");
  auto* layout = new QVBoxLayout(this);
  status_ = new QLabel("Preparing the cases...", this);
  status_->setWordWrap(true);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 0);  // busy until the first step says how many there are
  curve_ = new LossCurveWidget(this);
  layout->addWidget(status_);
  layout->addWidget(progress_);
  layout->addWidget(curve_, 1);

  comparison_ = new QWidget(this);
  auto* compareLayout = new QVBoxLayout(comparison_);
  compareLayout->setContentsMargins(0, 0, 0, 0);
  auto* images = new QHBoxLayout;
  auto column = [&](const QString& title, QLabel*& image) {
    auto* box = new QVBoxLayout;
    box->addWidget(new QLabel(title, comparison_));
    image = new QLabel(comparison_);
    image->setMinimumSize(220, 220);
    image->setAlignment(Qt::AlignCenter);
    box->addWidget(image, 1);
    images->addLayout(box);
  };
  column("Mask on screen (old)", before_);
  column("New model", after_);
  compareLayout->addLayout(images);
  table_ = new QTableWidget(0, 5, comparison_);
  table_->setHorizontalHeaderLabels({"Label", "Name", "Old voxels", "New voxels", "Dice old vs new"});
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  compareLayout->addWidget(table_);
  comparison_->hide();
  layout->addWidget(comparison_, 2);

  auto* buttons = new QHBoxLayout;
  cancel_ = new QPushButton("Cancel", this);
  compare_ = new QPushButton("Segment this image with the new model", this);
  useModel_ = new QPushButton("Use the new model", this);
  keepMask_ = new QPushButton("Keep the new mask", this);
  auto* close = new QPushButton("Close", this);
  for (QPushButton* b : {compare_, useModel_, keepMask_}) b->setEnabled(false);
  buttons->addWidget(cancel_);
  buttons->addStretch(1);
  buttons->addWidget(compare_);
  buttons->addWidget(useModel_);
  buttons->addWidget(keepMask_);
  buttons->addWidget(close);
  layout->addLayout(buttons);

  connect(cancel_, &QPushButton::clicked, this, [this] {
    loop_.cancelFineTune();
    status_->setText("Cancelling after the current step...");
  });
  connect(close, &QPushButton::clicked, this, [this] {
    loop_.cancelFineTune();  // closing a running fine-tuning stops it
    accept();
  });
  connect(compare_, &QPushButton::clicked, this, [this] {
    QString whyNot;
    if (loop_.startComparison(loop_.fineTunedModel(), &whyNot)) {
      compare_->setEnabled(false);
      status_->setText("Segmenting the image with " + QFileInfo(loop_.fineTunedModel()).fileName() + "...");
    } else {
      status_->setText(whyNot);
    }
  });
  connect(useModel_, &QPushButton::clicked, this, [this] {
    QString whyNot;
    if (!controller_.openModelInBackground(loop_.fineTunedModel(), &whyNot)) status_->setText(whyNot);
    else status_->setText("The viewer now segments with " + loop_.fineTunedModel());
  });
  connect(keepMask_, &QPushButton::clicked, this, [this] {
    const ModelComparison* c = loop_.comparison();
    if (!c || !c->after) return;
    controller_.replaceMask(*c->after, "", "Segment with " + QFileInfo(c->modelPath).fileName().toStdString());
    keepMask_->setEnabled(false);
    status_->setText("The new mask is on screen (Edit > Undo brings the old one back)");
  });
  connect(&loop_, &CorrectionLoop::fineTuneProgress, this, &FineTuneDialog::onProgress);
  connect(&loop_, &CorrectionLoop::fineTuneFinished, this, &FineTuneDialog::onFinished);
  connect(&loop_, &CorrectionLoop::comparisonFinished, this, &FineTuneDialog::onCompared);
  resize(760, 640);
}

QString FineTuneDialog::statusText() const { return status_->text(); }

void FineTuneDialog::onProgress(int epoch, int epochs, int iteration, int iterations, double loss) {
  progress_->setRange(0, epochs * iterations);
  progress_->setValue((epoch - 1) * iterations + iteration);
  status_->setText(QString("Epoch %1/%2, step %3/%4, loss %5").arg(epoch).arg(epochs).arg(iteration).arg(iterations).arg(loss, 0, 'f', 4));
  curve_->setValues(loop_.losses());
}

void FineTuneDialog::onFinished(bool succeeded, const QString& detail) {
  cancel_->setEnabled(false);
  if (progress_->maximum() == 0) progress_->setRange(0, 1);
  if (!succeeded) {
    status_->setText(detail == "cancelled" ? "Cancelled: no new model was written" : "Fine-tuning failed: " + detail);
    return;
  }
  progress_->setValue(progress_->maximum());
  status_->setText("New model: " + detail + "\nSegment the open image with it to compare with the mask on screen?");
  compare_->setEnabled(controller_.document().hasImage() && controller_.document().labels());
  useModel_->setEnabled(true);
}

void FineTuneDialog::onCompared(bool succeeded, const QString& detail) {
  const ModelComparison* c = loop_.comparison();
  if (!succeeded || !c) {
    status_->setText("Segmenting with the new model failed: " + detail);
    compare_->setEnabled(true);
    return;
  }
  // The current axial slice, old mask and new one, in the viewer's window.
  const auto image = controller_.document().image();
  const ViewState& state = controller_.viewState();
  if (image) {
    const SliceGeometry slice = SliceGeometry::forView(image->geometry(), ViewAxis::Axial);
    const int64_t index = state.sliceIndex(ViewAxis::Axial);
    const auto& palette = controller_.document().palette();
    for (auto [label, mask] : {std::pair{before_, c->before}, std::pair{after_, c->after}}) {
      QImage picture = SliceRenderer::renderImage(*image, slice, index, state.window());
      SliceRenderer::overlayLabels(picture, *mask, slice, index, palette, LabelOverlayStyle{});
      label->setPixmap(QPixmap::fromImage(picture.scaled(300, 300, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    }
  }
  table_->setRowCount(static_cast<int>(c->rows.size()));
  for (int r = 0; r < static_cast<int>(c->rows.size()); ++r) {
    const auto& row = c->rows[static_cast<size_t>(r)];
    const QStringList cells{QString::number(row.label), row.name, QString::number(row.beforeVoxels),
                            QString::number(row.afterVoxels), QString::number(row.dice, 'f', 3)};
    for (int col = 0; col < cells.size(); ++col) table_->setItem(r, col, new QTableWidgetItem(cells[col]));
  }
  comparison_->show();
  keepMask_->setEnabled(true);
  status_->setText("Old mask (left) and the new model's (right) on axial slice " +
                   QString::number(state.sliceIndex(ViewAxis::Axial)) + "; Dice per label below");
}

}  // namespace aunet::gui
