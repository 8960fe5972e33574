#pragma once
// Asks which series to open when a DICOM folder holds several: a table of
// thumbnail, description, modality, slice count and patient, largest series first.
// The dialog opens at once; thumbnails (the middle slice of each series) are read on
// a worker thread of the dialog's own and fill in as they arrive.

#include <QDialog>

#include <string>
#include <vector>

#include "io/DicomSeriesInfo.h"

class QStandardItemModel;
class QThreadPool;
class QTableView;

namespace aunet::gui {

class SeriesPickerDialog : public QDialog {
  Q_OBJECT
 public:
  SeriesPickerDialog(const QString& folder, std::vector<io::DicomSeriesInfo> series, QWidget* parent = nullptr);
  // The image series of `folder` to open: the only one, the first when `ask` is false,
  // else the one the user picks (empty with *cancelled set when they cancel). Throws
  // core::Error when the folder holds no image series.
  static QString choose(const QString& folder, bool ask, QWidget* parent, bool* cancelled);
  ~SeriesPickerDialog() override;  // drops queued thumbnails, waits for the one being read
  // The chosen series' id (for ReadOptions::dicomSeriesUid); empty before accept.
  std::string selectedId() const;
  QStandardItemModel* tableModel() const { return model_; }
  void selectRow(int row);
  // Rows whose thumbnail has arrived (a failed read counts, showing no picture).
  int thumbnailsDone() const { return thumbnailsDone_; }
  QImage thumbnail(int row) const;

  static constexpr int kThumbnailSize = 64;

 Q_SIGNALS:
  void thumbnailReady(int row);
  void allThumbnailsReady();

 private:
  std::vector<io::DicomSeriesInfo> series_;
  QStandardItemModel* model_;
  QTableView* table_;
  QThreadPool* pool_;
  int thumbnailsDone_ = 0;
};

}  // namespace aunet::gui
