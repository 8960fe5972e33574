#include "gui/EditToolPanel.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QColorDialog>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

#include "gui/ViewerController.h"

namespace aunet::gui {

namespace {

constexpr EditTool kTools[] = {EditTool::Navigate, EditTool::Brush, EditTool::Eraser,
                               EditTool::FloodFill, EditTool::RemoveIsland, EditTool::KeepIsland};
const char* kToolKeys[] = {"Esc", "B", "E", "F", "", ""};

QIcon swatch(const std::array<uint8_t, 3>& c) {
  QPixmap p(14, 14);
  p.fill(QColor(c[0], c[1], c[2]));
  return QIcon(p);
}

}  // namespace

EditToolPanel::EditToolPanel(ViewerController& controller, QWidget* parent) : QWidget(parent), controller_(controller) {
  setObjectName("editToolPanel");
  auto* layout = new QVBoxLayout(this);
  auto* toolGrid = new QGridLayout;
  tools_ = new QButtonGroup(this);
  tools_->setExclusive(true);
  for (int i = 0; i < 6; ++i) {
    auto* b = new QToolButton(this);
    const QString key = kToolKeys[i];
    b->setText(QString(editToolName(kTools[i])) + (key.isEmpty() ? "" : " (" + key + ")"));
    b->setCheckable(true);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    b->setObjectName(QString("tool-%1").arg(editToolName(kTools[i])).replace(' ', '-'));
    tools_->addButton(b, i);
    toolGrid->addWidget(b, i / 3, i % 3);
  }
  layout->addLayout(toolGrid);
  connect(tools_, &QButtonGroup::idClicked, this, [this](int id) {
    controller_.editor().setTool(kTools[id]);
    Q_EMIT changed();
  });

  auto* form = new QFormLayout;
  auto* labelRow = new QHBoxLayout;
  label_ = new QComboBox(this);
  label_->setObjectName("activeLabel");
  label_->setToolTip("Label the brush and fill paint (keys 1-9)");
  labelRow->addWidget(label_, 1);
  for (auto [text, slot, tip] : {std::tuple{"+", &EditToolPanel::addLabel, "Add a label"},
                                 std::tuple{"Rename", &EditToolPanel::renameLabel, "Rename the active label"},
                                 std::tuple{"Colour", &EditToolPanel::recolourLabel, "Change the active label's colour"},
                                 std::tuple{"Delete", &EditToolPanel::deleteLabel, "Erase the active label's voxels and forget it"}}) {
    auto* b = new QToolButton(this);
    b->setText(text);
    b->setToolTip(tip);
    connect(b, &QToolButton::clicked, this, slot);
    labelRow->addWidget(b);
  }
  form->addRow("Label", labelRow);
  connect(label_, qOverload<int>(&QComboBox::activated), this, [this](int index) {
    controller_.editor().setActiveLabel(static_cast<uint16_t>(label_->itemData(index).toInt()));
  });

  auto* sizeRow = new QHBoxLayout;
  size_ = new QDoubleSpinBox(this);
  size_->setObjectName("brushSize");
  size_->setRange(MaskEditor::kMinBrushMm, MaskEditor::kMaxBrushMm);
  size_->setDecimals(1);
  size_->setSuffix(" mm");
  size_->setToolTip("Brush diameter ([ and ] change it)");
  sphere_ = new QCheckBox("3D (sphere)", this);
  sphere_->setToolTip("Paint a sphere through the neighbouring slices instead of a disc on this one");
  sizeRow->addWidget(size_, 1);
  sizeRow->addWidget(sphere_);
  form->addRow("Brush", sizeRow);
  connect(size_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double mm) {
    if (syncing_) return;
    controller_.editor().setBrushDiameterMm(mm);
    Q_EMIT changed();
  });
  connect(sphere_, &QCheckBox::toggled, this, [this](bool on) {
    controller_.editor().setBrush3D(on);
    Q_EMIT changed();
  });

  paintOver_ = new QComboBox(this);
  paintOver_->setObjectName("paintOver");
  paintOver_->setToolTip("Which voxels the brush, eraser, fill and interpolation may change");
  form->addRow("Paint over", paintOver_);
  connect(paintOver_, qOverload<int>(&QComboBox::activated), this, &EditToolPanel::applyRule);

  auto* thresholdRow = new QHBoxLayout;
  threshold_ = new QCheckBox("Only", this);
  threshold_->setObjectName("threshold");
  threshold_->setToolTip("Paint and fill only voxels whose intensity (of the shown volume) lies in this range; under the brush, the voxels it would paint show in cyan");
  low_ = new QDoubleSpinBox(this);
  high_ = new QDoubleSpinBox(this);
  for (QDoubleSpinBox* box : {low_, high_}) {
    box->setRange(-1e9, 1e9);
    box->setDecimals(1);
    connect(box, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &EditToolPanel::applyThreshold);
  }
  thresholdRow->addWidget(threshold_);
  thresholdRow->addWidget(low_, 1);
  thresholdRow->addWidget(new QLabel("to", this));
  thresholdRow->addWidget(high_, 1);
  form->addRow("Intensity", thresholdRow);
  connect(threshold_, &QCheckBox::toggled, this, &EditToolPanel::applyThreshold);
  layout->addLayout(form);

  auto* interpolate = new QPushButton("Fill between slices (active view)", this);
  interpolate->setObjectName("interpolate");
  interpolate->setToolTip("Draw the active label on a few slices of one view, then fill the slices between them "
                          "by shape-based interpolation");
  connect(interpolate, &QPushButton::clicked, this, &EditToolPanel::interpolateRequested);
  layout->addWidget(interpolate);
  history_ = new QLabel(this);
  history_->setObjectName("historyUse");
  history_->setWordWrap(true);
  layout->addWidget(history_);
  layout->addStretch(1);

  ViewerDocument& document = controller_.document();
  connect(&document, &ViewerDocument::labelsChanged, this, &EditToolPanel::sync);
  connect(&document, &ViewerDocument::imageChanged, this, [this] {
    if (const auto image = controller_.document().image()) {
      // The threshold range starts as the image's intensity range.
      const auto [mn, mx] = std::minmax_element(image->channel(0), image->channel(0) + image->geometry().voxelCount());
      const QSignalBlocker b1(low_), b2(high_);
      low_->setValue(*mn);
      high_->setValue(*mx);
    }
    sync();
  });
  connect(&document, &ViewerDocument::labelsEdited, this, [this] {
    history_->setText(QString("Undo history: %1 edit(s), %2 MB of %3 MB")
                          .arg(controller_.history().size())
                          .arg(static_cast<double>(controller_.history().memoryBytes()) / (1 << 20), 0, 'f', 1)
                          .arg(static_cast<double>(controller_.history().memoryBudget()) / (1 << 20), 0, 'f', 0));
  });
  sync();
}

void EditToolPanel::fillLabels() {
  const QSignalBlocker block(label_);
  label_->clear();
  const MaskEditor& editor = controller_.editor();
  auto palette = controller_.document().palette();
  if (std::none_of(palette.begin(), palette.end(), [&](const auto& l) { return l.value == editor.activeLabel(); }))
    palette.push_back({editor.activeLabel(), "label " + std::to_string(editor.activeLabel()),
                       model::LabelInfo::defaults(editor.activeLabel() + 1).back().color});
  for (const auto& l : palette) {
    if (l.value == 0) continue;
    label_->addItem(swatch(l.color), QString("%1  %2").arg(l.value).arg(QString::fromStdString(l.name)), l.value);
    if (l.value == editor.activeLabel()) label_->setCurrentIndex(label_->count() - 1);
  }
  const QSignalBlocker blockRule(paintOver_);
  paintOver_->clear();
  paintOver_->addItem("All labels");
  paintOver_->addItem("Background only");
  for (const auto& l : palette)
    if (l.value != 0) paintOver_->addItem(QString("Only %1").arg(QString::fromStdString(l.name)), l.value);
  const imaging::PaintRule& rule = editor.paintRule();
  int index = rule.over == imaging::PaintOver::Background ? 1 : 0;
  if (rule.over == imaging::PaintOver::OneLabel) index = std::max(0, paintOver_->findData(rule.overLabel));
  paintOver_->setCurrentIndex(index);
}

void EditToolPanel::sync() {
  syncing_ = true;
  const MaskEditor& editor = controller_.editor();
  for (int i = 0; i < 6; ++i)
    if (kTools[i] == editor.tool()) tools_->button(i)->setChecked(true);
  size_->setValue(editor.brushDiameterMm());
  {
    const QSignalBlocker block(sphere_);
    sphere_->setChecked(editor.brush3D());
  }
  fillLabels();
  syncing_ = false;
}

void EditToolPanel::applyRule() {
  const int index = paintOver_->currentIndex();
  MaskEditor& editor = controller_.editor();
  if (index <= 0)
    editor.setPaintOver(imaging::PaintOver::All);
  else if (index == 1)
    editor.setPaintOver(imaging::PaintOver::Background);
  else
    editor.setPaintOver(imaging::PaintOver::OneLabel, static_cast<uint16_t>(paintOver_->itemData(index).toInt()));
}

void EditToolPanel::applyThreshold() {
  controller_.editor().setThreshold(threshold_->isChecked(), low_->value(), high_->value());
  Q_EMIT changed();
}

void EditToolPanel::addLabel() {
  bool ok = false;
  const QString name = QInputDialog::getText(this, "Add label", "Name:", QLineEdit::Normal, {}, &ok);
  if (!ok) return;
  auto palette = controller_.document().palette();
  int next = 1;
  for (const auto& l : palette) next = std::max(next, l.value + 1);
  const QColor colour = QColorDialog::getColor(Qt::yellow, this, "Label colour");
  if (!colour.isValid()) return;
  controller_.editor().addLabel(name.toStdString(), {static_cast<uint8_t>(colour.red()), static_cast<uint8_t>(colour.green()),
                                                     static_cast<uint8_t>(colour.blue())});
  sync();
}

void EditToolPanel::renameLabel() {
  const uint16_t value = controller_.editor().activeLabel();
  bool ok = false;
  const QString name = QInputDialog::getText(this, "Rename label", "Name:", QLineEdit::Normal,
                                             QString::fromStdString(controller_.document().labelName(value)), &ok);
  if (ok && !name.isEmpty()) controller_.editor().renameLabel(value, name.toStdString());
}

void EditToolPanel::recolourLabel() {
  const uint16_t value = controller_.editor().activeLabel();
  const QColor colour = QColorDialog::getColor(Qt::yellow, this, "Label colour");
  if (colour.isValid())
    controller_.editor().recolourLabel(value, {static_cast<uint8_t>(colour.red()), static_cast<uint8_t>(colour.green()),
                                               static_cast<uint8_t>(colour.blue())});
}

void EditToolPanel::deleteLabel() {
  const uint16_t value = controller_.editor().activeLabel();
  const QString name = QString::fromStdString(controller_.document().labelName(value));
  if (QMessageBox::question(this, "Delete label", QString("Erase every voxel of %1 and forget the label?").arg(name)) !=
      QMessageBox::Yes)
    return;
  controller_.editor().deleteLabel(value);
}

}  // namespace aunet::gui
