#include "gui/OverlayPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QSlider>
#include <QTableView>
#include <QVBoxLayout>

#include "gui/LabelTableModel.h"

namespace aunet::gui {

namespace {

QSlider* percentSlider(int value, QWidget* parent) {
  auto* s = new QSlider(Qt::Horizontal, parent);
  s->setRange(0, 100);
  s->setValue(value);
  return s;
}

}  // namespace

OverlayPanel::OverlayPanel(OverlaySettings* settings, LabelTableModel* legend, QWidget* parent)
    : QWidget(parent), settings_(settings), legend_(legend) {
  auto* labelsBox = new QGroupBox("Labels", this);
  labelsVisible_ = new QCheckBox("Show mask", labelsBox);
  labelsVisible_->setChecked(settings->labelsVisible);
  labelOpacity_ = percentSlider(static_cast<int>(settings->labels.opacity * 100), labelsBox);
  labelMode_ = new QComboBox(labelsBox);
  labelMode_->addItems({"Filled", "Outline"});
  labelMode_->setCurrentIndex(settings->labels.outline ? 1 : 0);
  referenceVisible_ = new QCheckBox("Show reference outlines", labelsBox);
  referenceVisible_->setChecked(settings->referenceVisible);
  referenceVisible_->setEnabled(false);
  legendView_ = new QTableView(labelsBox);
  legendView_->setModel(legend);
  legendView_->verticalHeader()->hide();
  legendView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  legendView_->horizontalHeader()->setStretchLastSection(true);
  legendView_->setSelectionMode(QAbstractItemView::NoSelection);
  legendView_->setObjectName("legend");
  auto* labelsForm = new QFormLayout;
  labelsForm->addRow(labelsVisible_);
  labelsForm->addRow("Opacity", labelOpacity_);
  labelsForm->addRow("Mode", labelMode_);
  labelsForm->addRow(referenceVisible_);
  auto* labelsLayout = new QVBoxLayout(labelsBox);
  labelsLayout->addLayout(labelsForm);
  labelsLayout->addWidget(legendView_, 1);

  auto* heatBox = new QGroupBox("Attention map", this);
  attentionLevel_ = new QComboBox(heatBox);
  attentionLevel_->addItem("none", -1);
  heatOpacity_ = percentSlider(static_cast<int>(settings->heat.opacity * 100), heatBox);
  heatThreshold_ = percentSlider(static_cast<int>(settings->heat.threshold * 100), heatBox);
  thresholdValue_ = new QLabel(heatBox);
  auto* heatForm = new QFormLayout(heatBox);
  heatForm->addRow("Gate level", attentionLevel_);
  heatForm->addRow("Opacity", heatOpacity_);
  heatForm->addRow("Threshold", heatThreshold_);
  heatForm->addRow("", thresholdValue_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(labelsBox, 1);
  layout->addWidget(heatBox);

  for (QSlider* s : {labelOpacity_, heatOpacity_, heatThreshold_})
    connect(s, &QSlider::valueChanged, this, &OverlayPanel::readControls);
  for (QCheckBox* c : {labelsVisible_, referenceVisible_})
    connect(c, &QCheckBox::toggled, this, &OverlayPanel::readControls);
  for (QComboBox* c : {labelMode_, attentionLevel_})
    connect(c, qOverload<int>(&QComboBox::currentIndexChanged), this, &OverlayPanel::readControls);
  connect(legend, &LabelTableModel::visibilityChanged, this, &OverlayPanel::readControls);
  readControls();
}

void OverlayPanel::readControls() {
  settings_->labelsVisible = labelsVisible_->isChecked();
  settings_->labels.opacity = labelOpacity_->value() / 100.0;
  settings_->labels.outline = labelMode_->currentIndex() == 1;
  settings_->labels.hidden = legend_->hiddenLabels();
  settings_->referenceVisible = referenceVisible_->isChecked();
  settings_->attentionIndex = attentionLevel_->currentData().toInt();
  settings_->heat.opacity = heatOpacity_->value() / 100.0;
  settings_->heat.threshold = heatThreshold_->value() / 100.0;
  thresholdValue_->setText(QString("attention >= %1").arg(settings_->heat.threshold, 0, 'f', 2));
  Q_EMIT changed();
}

void OverlayPanel::setAttentionLevels(const std::vector<int64_t>& levels) {
  const int previous = attentionLevel_->currentData().toInt();
  {
    const QSignalBlocker block(attentionLevel_);
    attentionLevel_->clear();
    attentionLevel_->addItem("none", -1);
    for (size_t i = 0; i < levels.size(); ++i)
      attentionLevel_->addItem(QString("level %1").arg(levels[i]), static_cast<int>(i));
    int index = attentionLevel_->findData(previous);
    // Nothing chosen yet: the deepest gate, whose coarse map shows where the network looks.
    if (index <= 0 && !levels.empty()) index = attentionLevel_->count() - 1;
    attentionLevel_->setCurrentIndex(std::max(index, 0));
  }
  readControls();
}

void OverlayPanel::setReferenceAvailable(bool available) { referenceVisible_->setEnabled(available); }

}  // namespace aunet::gui
