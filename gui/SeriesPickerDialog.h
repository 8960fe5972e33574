#pragma once
// Asks which series to open when a DICOM folder holds several: a table of
// description, modality, slice count and patient, largest series first.

#include <QDialog>

#include <string>
#include <vector>

#include "io/DicomSeriesInfo.h"

class QStandardItemModel;
class QTableView;

namespace aunet::gui {

class SeriesPickerDialog : public QDialog {
  Q_OBJECT
 public:
  SeriesPickerDialog(const QString& folder, std::vector<io::DicomSeriesInfo> series, QWidget* parent = nullptr);
  // The chosen series' id (for ReadOptions::dicomSeriesUid); empty before accept.
  std::string selectedId() const;
  QStandardItemModel* tableModel() const { return model_; }
  void selectRow(int row);

 private:
  std::vector<io::DicomSeriesInfo> series_;
  QStandardItemModel* model_;
  QTableView* table_;
};

}  // namespace aunet::gui
