#include "gui/LabelTableModel.h"

#include <QColor>

#include <algorithm>

namespace aunet::gui {

LabelTableModel::LabelTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LabelTableModel::setContents(std::vector<imaging::LabelStatistics> stats, std::vector<model::LabelInfo> palette,
                                  bool withDice) {
  beginResetModel();
  stats_ = std::move(stats);
  palette_ = std::move(palette);
  withDice_ = withDice;
  endResetModel();
}

const model::LabelInfo* LabelTableModel::info(int value) const {
  for (const auto& l : palette_)
    if (l.value == value) return &l;
  return nullptr;
}

bool LabelTableModel::isHidden(int value) const {
  return std::find(hidden_.begin(), hidden_.end(), value) != hidden_.end();
}

void LabelTableModel::setLabelVisible(int value, bool visible) {
  const bool hidden = isHidden(value);
  if (visible == !hidden) return;
  if (visible)
    hidden_.erase(std::remove(hidden_.begin(), hidden_.end(), value), hidden_.end());
  else
    hidden_.push_back(value);
  for (int row = 0; row < rowCount(); ++row)
    if (stats_[static_cast<size_t>(row)].label == value) Q_EMIT dataChanged(index(row, Name), index(row, Name));
  Q_EMIT visibilityChanged();
}

int LabelTableModel::labelValueAt(int row) const {
  return row >= 0 && row < rowCount() ? stats_[static_cast<size_t>(row)].label : -1;
}

int LabelTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(stats_.size());
}

int LabelTableModel::columnCount(const QModelIndex& parent) const {
  if (parent.isValid()) return 0;
  return withDice_ ? ColumnCount : ColumnCount - 1;
}

QVariant LabelTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const imaging::LabelStatistics& s = stats_[static_cast<size_t>(index.row())];
  const model::LabelInfo* l = info(s.label);
  switch (index.column()) {
    case Name:
      if (role == Qt::DisplayRole)
        return QString("%1  %2").arg(s.label).arg(l ? QString::fromStdString(l->name) : QString("label %1").arg(s.label));
      if (role == Qt::CheckStateRole) return isHidden(s.label) ? Qt::Unchecked : Qt::Checked;
      if (role == Qt::DecorationRole && l) return QColor(l->color[0], l->color[1], l->color[2]);
      break;
    case Voxels:
      if (role == Qt::DisplayRole) return QVariant::fromValue<qlonglong>(s.voxelCount);
      if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
      break;
    case Volume:
      if (role == Qt::DisplayRole) return QString::number(s.volumeMl, 'f', s.volumeMl < 10 ? 2 : 1);
      if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
      break;
    case Dice:
      if (role == Qt::DisplayRole) return s.dice ? QString::number(*s.dice, 'f', 3) : QString("-");
      if (role == Qt::TextAlignmentRole) return int(Qt::AlignRight | Qt::AlignVCenter);
      break;
    default: break;
  }
  if (role == Qt::UserRole) return s.label;
  return {};
}

bool LabelTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || index.column() != Name || role != Qt::CheckStateRole) return false;
  setLabelVisible(stats_[static_cast<size_t>(index.row())].label,
                  static_cast<Qt::CheckState>(value.toInt()) == Qt::Checked);
  return true;
}

Qt::ItemFlags LabelTableModel::flags(const QModelIndex& index) const {
  Qt::ItemFlags f = QAbstractTableModel::flags(index);
  if (index.isValid() && index.column() == Name) f |= Qt::ItemIsUserCheckable;
  return f;
}

QVariant LabelTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Name: return QString("Label");
    case Voxels: return QString("Voxels");
    case Volume: return QString("mL");
    case Dice: return QString("Dice");
    default: return {};
  }
}

}  // namespace aunet::gui
