// Legend numbers: voxel counts, millilitres, Dice against a reference, CSV, and the
// legend model's visibility toggles.

#include <gtest/gtest.h>

#include <QColor>

#include "gui/LabelStatistics.h"
#include "gui/LabelTableModel.h"

namespace aunet::gui {
namespace {

core::LabelMap map(core::Vec3 spacing) {
  core::Geometry g;
  g.size = {10, 10, 10};
  g.spacing = spacing;
  return core::LabelMap(g);
}

TEST(LabelStatisticsTest, VolumesUseTheVoxelSpacing) {
  core::LabelMap m = map({0.5, 0.5, 2.0});  // 0.5 mm^3 per voxel
  for (int i = 0; i < 200; ++i) m.labels()[static_cast<size_t>(i)] = 1;
  for (int i = 200; i < 210; ++i) m.labels()[static_cast<size_t>(i)] = 7;
  const auto stats = LabelStatistics::compute(m);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].value, 1);
  EXPECT_EQ(stats[0].voxels, 200);
  EXPECT_DOUBLE_EQ(stats[0].volumeMl, 0.1);  // 200 * 0.5 mm^3 = 100 mm^3
  EXPECT_EQ(stats[1].value, 7);
  EXPECT_EQ(stats[1].voxels, 10);
  EXPECT_FALSE(stats[0].dice.has_value());
}

TEST(LabelStatisticsTest, DicePerLabelAgainstAReference) {
  core::LabelMap a = map({1, 1, 1}), b = map({1, 1, 1});
  for (int i = 0; i < 100; ++i) a.labels()[static_cast<size_t>(i)] = 1;       // 0..99
  for (int i = 50; i < 150; ++i) b.labels()[static_cast<size_t>(i)] = 1;      // 50..149: 50 shared
  for (int i = 300; i < 310; ++i) b.labels()[static_cast<size_t>(i)] = 2;     // only in the reference
  const auto stats = LabelStatistics::compute(a, &b);
  ASSERT_EQ(stats.size(), 2u);
  ASSERT_TRUE(stats[0].dice.has_value());
  EXPECT_DOUBLE_EQ(*stats[0].dice, 0.5);  // 2*50 / (100 + 100)
  EXPECT_EQ(stats[1].value, 2);
  EXPECT_EQ(stats[1].voxels, 0);
  EXPECT_DOUBLE_EQ(*stats[1].dice, 0.0);
}

TEST(LabelStatisticsTest, CsvQuotesNames) {
  core::LabelMap m = map({1, 1, 1});
  m.labels()[0] = 1;
  const std::string csv = LabelStatistics::toCsv(LabelStatistics::compute(m), {{1, "kidney, left", {1, 2, 3}}});
  EXPECT_EQ(csv, "label,name,voxels,volume_ml,dice\n1,\"kidney, left\",1,0.001,\n");
}

TEST(LabelStatisticsTest, LabelCentreLiesOnTheLabel) {
  core::LabelMap m = map({1, 1, 1});
  // A "C" shape: its centroid (about i = 4) is outside the label.
  for (int64_t j = 2; j <= 8; ++j) m.at(2, j, 5) = 3;
  for (int64_t i = 2; i <= 8; ++i) m.at(i, 2, 5) = m.at(i, 8, 5) = 3;
  core::Index3 v{};
  ASSERT_TRUE(LabelStatistics::findLabelCentre(m, 3, v));
  EXPECT_EQ(m.at(v[0], v[1], v[2]), 3);
  EXPECT_EQ(v[2], 5);
  EXPECT_FALSE(LabelStatistics::findLabelCentre(m, 4, v));
}

TEST(LabelTableModelTest, RowsShowNamesVolumesAndToggleVisibility) {
  LabelTableModel model;
  core::LabelMap m = map({1, 1, 1});
  for (int i = 0; i < 1000; ++i) m.labels()[static_cast<size_t>(i)] = i < 400 ? 1 : 2;
  model.setContents(LabelStatistics::compute(m), model::LabelInfo::defaults(3), false);
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
  model.setContents(LabelStatistics::compute(m, &m), model::LabelInfo::defaults(3), true);
  EXPECT_EQ(model.hiddenLabels(), std::vector<int>{2});
  EXPECT_EQ(model.columnCount(), 4);
  EXPECT_EQ(model.data(model.index(0, LabelTableModel::Dice), Qt::DisplayRole).toString(), "1.000");
  model.setLabelVisible(2, true);
  EXPECT_TRUE(model.hiddenLabels().empty());
}

}  // namespace
}  // namespace aunet::gui
