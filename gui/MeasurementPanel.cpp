#include "gui/MeasurementPanel.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QListWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "gui/ViewerDocument.h"

namespace aunet::gui {

MeasurementPanel::MeasurementPanel(MeasurementTool* tool, const ViewState* state, const ViewerDocument* document,
                                   QWidget* parent)
    : QWidget(parent), tool_(tool), state_(state), document_(document) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* row = new QHBoxLayout;
  const std::pair<const char*, MeasurementTool::Mode> modes[] = {{"Ruler", MeasurementTool::Mode::Ruler},
                                                                 {"Ellipse", MeasurementTool::Mode::Ellipse},
                                                                 {"Rectangle", MeasurementTool::Mode::Rectangle}};
  for (int i = 0; i < 3; ++i) {
    auto* b = new QToolButton(this);
    b->setText(modes[i].first);
    b->setCheckable(true);
    b->setObjectName(QString("measure-") + modes[i].first);
    const MeasurementTool::Mode mode = modes[i].second;
    connect(b, &QToolButton::toggled, this, [this, mode](bool on) {
      if (on)
        tool_->setMode(mode);
      else if (tool_->mode() == mode)
        tool_->setMode(MeasurementTool::Mode::None);
    });
    buttons_[i] = b;
    row->addWidget(b);
  }
  auto* remove = new QToolButton(this);
  remove->setText("Delete");
  connect(remove, &QToolButton::clicked, this, [this] { tool_->set().removeSelected(); });
  row->addWidget(remove);
  row->addStretch(1);
  layout->addLayout(row);
  list_ = new QListWidget(this);
  list_->setObjectName("measurementList");
  layout->addWidget(list_);
  connect(tool_, &MeasurementTool::modeChanged, this, [this](MeasurementTool::Mode mode) {
    for (int i = 0; i < 3; ++i) {
      const QSignalBlocker block(buttons_[i]);
      buttons_[i]->setChecked(static_cast<int>(mode) == i + 1);
    }
  });
  connect(&tool_->set(), &MeasurementSet::changed, this, &MeasurementPanel::refresh);
  connect(list_, &QListWidget::currentRowChanged, this, [this](int row) {
    if (!refreshing_) tool_->set().select(row);
  });
  connect(list_, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) {
    Q_EMIT showRequested(list_->row(item));
  });
}

void MeasurementPanel::refresh() {
  refreshing_ = true;
  list_->clear();
  const auto& items = tool_->set().items();
  const char* views[] = {"axial", "coronal", "sagittal"};
  for (const Measurement& m : items)
    list_->addItem(QString("%1 (%2 %3)")
                       .arg(MeasurementSet::describe(m, *state_, document_->image().get(), state_->channel()))
                       .arg(views[ViewState::viewIndex(m.view)])
                       .arg(m.slice + 1));
  list_->setCurrentRow(tool_->set().selected());
  refreshing_ = false;
}

}  // namespace aunet::gui
