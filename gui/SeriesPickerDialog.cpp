#include "gui/SeriesPickerDialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace aunet::gui {

SeriesPickerDialog::SeriesPickerDialog(const QString& folder, std::vector<io::DicomSeriesInfo> series, QWidget* parent)
    : QDialog(parent), series_(std::move(series)), model_(new QStandardItemModel(this)), table_(new QTableView(this)) {
  setWindowTitle("Choose a DICOM series");
  model_->setHorizontalHeaderLabels({"Description", "Modality", "Slices", "Patient"});
  for (const auto& s : series_) {
    QList<QStandardItem*> row;
    row << new QStandardItem(s.description.empty() ? QString("(no description)") : QString::fromStdString(s.description));
    row << new QStandardItem(QString::fromStdString(s.modality));
    auto* slices = new QStandardItem;
    slices->setData(s.sliceCount(), Qt::DisplayRole);
    row << slices;
    row << new QStandardItem(QString::fromStdString(s.patient));
    for (auto* item : row) item->setEditable(false);
    model_->appendRow(row);
  }
  table_->setModel(model_);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  table_->verticalHeader()->hide();
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(table_, &QTableView::doubleClicked, this, &QDialog::accept);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(QString("%1 holds %2 series:").arg(folder).arg(series_.size()), this));
  layout->addWidget(table_);
  layout->addWidget(buttons);
  resize(640, 320);
  if (!series_.empty()) selectRow(0);
}

void SeriesPickerDialog::selectRow(int row) { table_->selectRow(row); }

std::string SeriesPickerDialog::selectedId() const {
  const auto rows = table_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return {};
  const int r = rows.front().row();
  return r >= 0 && r < static_cast<int>(series_.size()) ? series_[static_cast<size_t>(r)].id : std::string();
}

}  // namespace aunet::gui
