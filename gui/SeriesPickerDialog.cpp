#include "gui/SeriesPickerDialog.h"
#include "io/DicomSeriesScanner.h"
#include "core/Error.h"
#include <algorithm>

#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QPixmap>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <QHeaderView>
#include <QLabel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include <exception>

#include "gui/SeriesThumbnail.h"

namespace aunet::gui {

SeriesPickerDialog::SeriesPickerDialog(const QString& folder, std::vector<io::DicomSeriesInfo> series, QWidget* parent)
    : QDialog(parent),
      series_(std::move(series)),
      model_(new QStandardItemModel(this)),
      table_(new QTableView(this)),
      pool_(new QThreadPool(this)) {
  setWindowTitle("Choose a DICOM series");
  model_->setHorizontalHeaderLabels({"", "Description", "Modality", "Slices", "Patient"});
  for (const auto& s : series_) {
    QList<QStandardItem*> row;
    row << new QStandardItem;  // thumbnail, filled in by a worker
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
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  table_->setColumnWidth(0, kThumbnailSize + 8);
  table_->setIconSize(QSize(kThumbnailSize, kThumbnailSize));
  table_->verticalHeader()->setDefaultSectionSize(kThumbnailSize + 6);
  table_->verticalHeader()->hide();
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(table_, &QTableView::doubleClicked, this, &QDialog::accept);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(QString("%1 holds %2 series:").arg(folder).arg(series_.size()), this));
  layout->addWidget(table_);
  layout->addWidget(buttons);
  resize(720, 420);
  if (!series_.empty()) selectRow(0);

  // One reader at a time: the thumbnails must not compete with the image load that
  // follows the choice (the global pool has one thread per core).
  pool_->setMaxThreadCount(1);
  for (int row = 0; row < static_cast<int>(series_.size()); ++row) {
    auto* watcher = new QFutureWatcher<QImage>(this);
    connect(watcher, &QFutureWatcher<QImage>::finished, this, [this, watcher, row] {
      watcher->deleteLater();
      const QImage image = watcher->future().isValid() && watcher->future().resultCount() > 0 ? watcher->result() : QImage();
      QStandardItem* item = model_->item(row, 0);
      if (image.isNull())
        item->setToolTip("no preview: the middle file could not be read");
      else
        item->setData(QPixmap::fromImage(image), Qt::DecorationRole);
      ++thumbnailsDone_;
      Q_EMIT thumbnailReady(row);
      if (thumbnailsDone_ == static_cast<int>(series_.size())) Q_EMIT allThumbnailsReady();
    });
    watcher->setFuture(QtConcurrent::run(pool_, [info = series_[static_cast<size_t>(row)]]() {
      try {
        return SeriesThumbnail::render(info, kThumbnailSize);
      } catch (const std::exception&) {
        return QImage();  // the table shows the row without a picture
      }
    }));
  }
}

SeriesPickerDialog::~SeriesPickerDialog() {
  pool_->clear();
  pool_->waitForDone();
}

QImage SeriesPickerDialog::thumbnail(int row) const {
  const QStandardItem* item = model_->item(row, 0);
  const QVariant v = item ? item->data(Qt::DecorationRole) : QVariant();
  return v.canConvert<QPixmap>() ? v.value<QPixmap>().toImage() : QImage();
}

void SeriesPickerDialog::selectRow(int row) { table_->selectRow(row); }

std::string SeriesPickerDialog::selectedId() const {
  const auto rows = table_->selectionModel()->selectedRows();
  if (rows.isEmpty()) return {};
  const int r = rows.front().row();
  return r >= 0 && r < static_cast<int>(series_.size()) ? series_[static_cast<size_t>(r)].id : std::string();
}

QString SeriesPickerDialog::choose(const QString& folder, bool ask, QWidget* parent, bool* cancelled) {
  *cancelled = false;
  std::vector<io::DicomSeriesInfo> series = io::scanDicomSeries(folder.toStdString());
  series.erase(std::remove_if(series.begin(), series.end(), [](const auto& s) { return !s.isImage; }), series.end());
  if (series.empty()) throw core::Error(folder.toStdString(), "no DICOM image series in this folder");
  if (series.size() == 1 || !ask) return QString::fromStdString(series.front().id);
  SeriesPickerDialog picker(folder, series, parent);
  if (picker.exec() != QDialog::Accepted) {
    *cancelled = true;
    return {};
  }
  return QString::fromStdString(picker.selectedId());
}

}  // namespace aunet::gui
