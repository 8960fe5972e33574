// The legend's model: names, volumes, Dice, and visibility toggles that survive new
// statistics.

#include <gtest/gtest.h>

#include <QColor>

#include "gui/LabelTableModel.h"
#include "imaging/LabelStatistics.h"

namespace aunet::gui {
namespace {

core::LabelMap map(core::Vec3 spacing) {
  core::Geometry g;
  g.size = {10, 10, 10};
  g.spacing = spacing;
  return core::LabelMap(g);
}

TEST(LabelTableModelTest, RowsShowNamesVolumesAndToggleVisibility) {
  LabelTableModel model;
  core::LabelMap m = map({1, 1, 1});
  for (int i = 0; i < 1000; ++i) m.labels()[static_cast<size_t>(i)] = i < 400 ? 1 : 2;
  model.setContents(imaging::computeLabelStatistics(m), model::LabelInfo::defaults(3), false);
  ASSERT_EQ(model.rowCount(), 2);
  EXPECT_EQ(model.columnCount(), 3);  // no Dice column without a reference
  EXPECT_EQ(model.data(model.index(0, LabelTableModel::Name), Qt::DisplayRole).toString(), "1  label 1");
  EXPECT_EQ(model.data(model.index(1, LabelTableModel::Voxels), Qt::DisplayRole).toLongLong(), 600);
  EXPECT_EQ(model.data(model.index(1, LabelTableModel::Volume), Qt::DisplayRole).toString(), "0.60");
  EXPECT_EQ(model.data(model.index(0, LabelTableModel::Name), Qt::DecorationRole).value<QColor>(), QColor(255, 0, 0));

  int changes = 0;
  QObject::connect(&model, &LabelTableModel::visibilityChanged, [&changes] { ++changes; });
  EXPECT_TRUE(model.setData(model.index(1, LabelTableModel::Name), Qt::Unchecked, Qt::CheckStateRole));
  EXPECT_EQ(changes, 1);
  EXPECT_EQ(model.hiddenLabels(), std::vector<int>{2});
  EXPECT_EQ(model.data(model.index(1, LabelTableModel::Name), Qt::CheckStateRole).toInt(), Qt::Unchecked);
  // New statistics (e.g. a new segmentation) keep the choice.
  model.setContents(imaging::computeLabelStatistics(m, nullptr, {}, &m), model::LabelInfo::defaults(3), true);
  EXPECT_EQ(model.hiddenLabels(), std::vector<int>{2});
  EXPECT_EQ(model.columnCount(), 4);
  EXPECT_EQ(model.data(model.index(0, LabelTableModel::Dice), Qt::DisplayRole).toString(), "1.000");
  model.setLabelVisible(2, true);
  EXPECT_TRUE(model.hiddenLabels().empty());
}

}  // namespace
}  // namespace aunet::gui
