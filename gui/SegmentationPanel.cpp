#include "gui/SegmentationPanel.h"

#include "gui/SegmentationJob.h"
#include "gui/ViewerController.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace aunet::gui {

SegmentationPanel::SegmentationPanel(QWidget* parent) : QWidget(parent) {
  openModel_ = new QPushButton("Open model...", this);
  modelName_ = new QLabel("No model loaded", this);
  modelName_->setWordWrap(true);
  description_ = new QLabel(this);
  description_->setWordWrap(true);
  labels_ = new QStandardItemModel(this);
  labelList_ = new QListView(this);
  labelList_->setModel(labels_);
  labelList_->setMaximumHeight(110);
  labelList_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  device_ = new QComboBox(this);
  device_->addItems({"auto", "cpu", "cuda"});
  device_->setToolTip("auto: the first GPU when one is usable, otherwise the CPU");
  mirroring_ = new QCheckBox("Mirroring (test-time augmentation)", this);
  segment_ = new QPushButton("Segment", this);
  segment_->setObjectName("segment");
  cancel_ = new QPushButton("Cancel", this);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setValue(0);
  progress_->setTextVisible(true);
  progress_->setFormat("");
  status_ = new QLabel(this);
  status_->setWordWrap(true);

  auto* form = new QFormLayout;
  form->addRow("Device", device_);
  form->addRow(mirroring_);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(segment_);
  buttons->addWidget(cancel_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(openModel_);
  layout->addWidget(modelName_);
  layout->addWidget(description_);
  layout->addWidget(labelList_);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  layout->addStretch(1);

  connect(openModel_, &QPushButton::clicked, this, &SegmentationPanel::openModelRequested);
  connect(segment_, &QPushButton::clicked, this, &SegmentationPanel::segmentRequested);
  connect(cancel_, &QPushButton::clicked, this, &SegmentationPanel::cancelRequested);
  updateEnabled();
}

void SegmentationPanel::setModel(const QString& path, const model::ModelMetadata& metadata) {
  hasModel_ = true;
  modelName_->setText(QString("<b>%1</b>").arg(QFileInfo(path).fileName().toHtmlEscaped()));
  modelName_->setToolTip(path);
  description_->setText(QString::fromStdString(metadata.description));
  labels_->clear();
  for (const auto& l : metadata.labels) {
    QPixmap swatch(12, 12);
    swatch.fill(QColor(l.color[0], l.color[1], l.color[2]));
    auto* item = new QStandardItem(QIcon(swatch), QString("%1  %2").arg(l.value).arg(QString::fromStdString(l.name)));
    labels_->appendRow(item);
  }
  updateEnabled();
}

void SegmentationPanel::setUnavailable(const QString& reason) {
  unavailable_ = true;
  for (QWidget* w : std::initializer_list<QWidget*>{openModel_, segment_, device_, mirroring_}) w->setToolTip(reason);
  status_->setText(reason);
  updateEnabled();
}

void SegmentationPanel::setImageAvailable(bool available) {
  hasImage_ = available;
  updateEnabled();
}

void SegmentationPanel::setRunning(bool running) {
  running_ = running;
  if (running) {
    progress_->setValue(0);
    progress_->setFormat("starting...");
  }
  updateEnabled();
}

void SegmentationPanel::setProgress(double fraction, const QString& stage) {
  progress_->setValue(static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 1000.0));
  progress_->setFormat(QString("%1  %p%").arg(stage));
}

void SegmentationPanel::setStatus(const QString& text) { status_->setText(text); }

model::SegmentationSettings SegmentationPanel::settings() const {
  model::SegmentationSettings s;
  s.device = device_->currentText().toStdString();
  s.testTimeAugmentation = mirroring_->isChecked();
  s.withAttention = true;  // the viewer always shows what the gates looked at
  return s;
}

void SegmentationPanel::updateEnabled() {
  openModel_->setEnabled(!unavailable_ && !running_);
  device_->setEnabled(!unavailable_ && !running_);
  mirroring_->setEnabled(!unavailable_ && !running_);
  segment_->setEnabled(!unavailable_ && hasModel_ && hasImage_ && !running_);
  cancel_->setEnabled(running_);
  if (!unavailable_ && !running_)
    segment_->setToolTip(!hasModel_ ? "Open a model first" : !hasImage_ ? "Open an image first" : "Segment the open image");
}

void SegmentationPanel::follow(ViewerController& controller) {
  ViewerController* c = &controller;
  connect(&controller.segmentationJob(), &SegmentationJob::progressChanged, this, &SegmentationPanel::setProgress);
  connect(c, &ViewerController::segmentationFinished, this, [this](bool ok, const QString& status) {
    setRunning(false);
    if (ok || status == "Failed") setProgress(1.0, "done");
    setStatus(status);
  });
  connect(c, &ViewerController::modelLoaded, this, [this, c](const QString& path) {
    setModel(path, c->segmenter()->metadata());
    setStatus("Ready");
  });
  if (!controller.canSegment()) setUnavailable("Segmentation is not available in this build (no pipeline linked)");
}

}  // namespace aunet::gui
