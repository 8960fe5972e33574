#pragma once
// The legend: one row per label present in the mask or the reference, with a
// visibility check box, its colour and name, voxel count, volume (mL) and, with a
// reference mask, Dice. Unchecking a row hides that label in every view.

#include <QAbstractTableModel>

#include <vector>

#include "imaging/LabelStatistics.h"
#include "model/api/LabelInfo.h"

namespace aunet::gui {

class LabelTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name = 0, Voxels, Volume, Dice, ColumnCount };

  explicit LabelTableModel(QObject* parent = nullptr);

  // New statistics and palette; hidden labels that still exist stay hidden.
  void setContents(std::vector<imaging::LabelStatistics> stats, std::vector<model::LabelInfo> palette, bool withDice);
  const std::vector<imaging::LabelStatistics>& statistics() const { return stats_; }
  std::vector<int> hiddenLabels() const { return hidden_; }
  void setLabelVisible(int value, bool visible);
  int labelValueAt(int row) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 Q_SIGNALS:
  void visibilityChanged();

 private:
  const model::LabelInfo* info(int value) const;
  bool isHidden(int value) const;

  std::vector<imaging::LabelStatistics> stats_;
  std::vector<model::LabelInfo> palette_;
  std::vector<int> hidden_;
  bool withDice_ = false;
};

}  // namespace aunet::gui
