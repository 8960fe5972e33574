// Label statistics: exact volume in mL, bounding box and extent for a box, mean
// intensity per channel, names, absent labels, and the JSON/CSV reports.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "imaging/LabelStatistics.h"
#include "imaging/SegmentationMetrics.h"
#include "core/Error.h"

namespace aunet::imaging {
namespace {


// Grid with spacing whose product (0.75 mm^3) is exact in binary.
core::Geometry boxGrid() {
  core::Geometry g;
  g.size = {20, 16, 12};
  g.spacing = {0.5, 0.75, 2.0};
  g.origin = {-10, 5, 100};
  return g;
}

// Label 1 on i 3..6, j 2..6, k 4..9 (4 x 5 x 6 = 120 voxels).
core::LabelMap boxLabels() {
  core::LabelMap map(boxGrid());
  for (int64_t k = 4; k <= 9; ++k)
    for (int64_t j = 2; j <= 6; ++j)
      for (int64_t i = 3; i <= 6; ++i) map.at(i, j, k) = 1;
  map.at(19, 15, 11) = 5;
  return map;
}

TEST(LabelStatisticsTest, BoxVolumeBoundingBoxAndExtentAreExact) {
  const auto stats = computeLabelStatistics(boxLabels());
  ASSERT_EQ(stats.size(), 2u);
  const LabelStatistics& s = stats[0];
  EXPECT_EQ(s.label, 1);
  EXPECT_EQ(s.name, "label_1");
  EXPECT_EQ(s.voxelCount, 120);
  EXPECT_DOUBLE_EQ(s.volumeMl, 0.09);  // 120 * 0.75 mm^3 = 90 mm^3
  EXPECT_EQ(s.boundingBoxMin, (core::Index3{3, 2, 4}));
  EXPECT_EQ(s.boundingBoxMax, (core::Index3{6, 6, 9}));
  EXPECT_DOUBLE_EQ(s.extentMm[0], 2.0);
  EXPECT_DOUBLE_EQ(s.extentMm[1], 3.75);
  EXPECT_DOUBLE_EQ(s.extentMm[2], 12.0);
  // Outer voxel edges in LPS: origin + (index -/+ 0.5) * spacing.
  EXPECT_DOUBLE_EQ(s.physicalMin[0], -10 + 2.5 * 0.5);
  EXPECT_DOUBLE_EQ(s.physicalMax[0], -10 + 6.5 * 0.5);
  EXPECT_DOUBLE_EQ(s.physicalMin[2], 100 + 3.5 * 2.0);
  EXPECT_DOUBLE_EQ(s.physicalMax[2], 100 + 9.5 * 2.0);
  EXPECT_TRUE(s.meanIntensity.empty());
  EXPECT_EQ(stats[1].label, 5);
  EXPECT_EQ(stats[1].voxelCount, 1);
}

TEST(LabelStatisticsTest, FlippedDirectionGivesTheSamePhysicalBoxEitherWay) {
  core::LabelMap map = boxLabels();
  map.geometry().direction = {-1, 0, 0, 0, -1, 0, 0, 0, 1};
  const LabelStatistics s = computeLabelStatistics(map)[0];
  EXPECT_DOUBLE_EQ(s.physicalMin[0], -10 - 6.5 * 0.5);
  EXPECT_DOUBLE_EQ(s.physicalMax[0], -10 - 2.5 * 0.5);
  EXPECT_DOUBLE_EQ(s.physicalMin[1], 5 - 6.5 * 0.75);
  EXPECT_DOUBLE_EQ(s.physicalMax[1], 5 - 1.5 * 0.75);
  EXPECT_DOUBLE_EQ(s.extentMm[0], 2.0);
}

TEST(LabelStatisticsTest, MeanIntensityPerChannel) {
  const core::LabelMap map = boxLabels();
  core::Volume image(map.geometry(), 2);
  const auto& g = map.geometry();
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        image.at(i, j, k, 0) = static_cast<float>(i + j + k);
        image.at(i, j, k, 1) = -2.0f;
      }
  const auto stats = computeLabelStatistics(map, &image);
  ASSERT_EQ(stats[0].meanIntensity.size(), 2u);
  // Means over the box: i 4.5, j 4, k 6.5.
  EXPECT_NEAR(stats[0].meanIntensity[0], 4.5 + 4 + 6.5, 1e-12);
  EXPECT_NEAR(stats[0].meanIntensity[1], -2.0, 1e-12);
  EXPECT_NEAR(stats[1].meanIntensity[0], 19 + 15 + 11, 1e-12);

  const nlohmann::json j = toJson(computeCaseStatistics("c", map, &image));
  EXPECT_NEAR(j["labels"][0]["mean_intensity"].get<double>(), 15.0, 1e-12);
  EXPECT_EQ(j["labels"][0]["mean_intensity_per_channel"].size(), 2u);
}

TEST(LabelStatisticsTest, ImageOnAnotherGridIsRejected) {
  const core::LabelMap map = boxLabels();
  core::Geometry other = map.geometry();
  other.spacing[2] = 2.5;
  core::Volume image(other, 1);
  EXPECT_THROW(computeLabelStatistics(map, &image), core::Error);
}

TEST(LabelStatisticsTest, NamedAbsentLabelsGetZeroRowsAndNames) {
  const std::map<int, std::string> names{{0, "background"}, {1, "liver"}, {2, "tumour, left"}};
  const auto stats = computeLabelStatistics(boxLabels(), nullptr, names);
  ASSERT_EQ(stats.size(), 3u);  // 1, 2 (absent) and 5 (unnamed); never background
  EXPECT_EQ(stats[0].name, "liver");
  EXPECT_EQ(stats[1].label, 2);
  EXPECT_EQ(stats[1].voxelCount, 0);
  EXPECT_DOUBLE_EQ(stats[1].volumeMl, 0.0);
  EXPECT_EQ(stats[2].name, "label_5");

  const nlohmann::json j = toJson(CaseStatistics{"case1", boxGrid(), stats});
  EXPECT_TRUE(j["labels"][1]["bounding_box"].is_null());
  EXPECT_TRUE(j["labels"][1]["mean_intensity"].is_null());
  EXPECT_EQ(j["labels"][0]["bounding_box"]["min"], nlohmann::json::array({3, 2, 4}));
  EXPECT_DOUBLE_EQ(j["voxel_volume_ml"].get<double>(), 0.00075);
}

TEST(LabelStatisticsTest, CsvRowsQuoteFieldsAndLeaveMissingValuesEmpty) {
  const std::map<int, std::string> names{{1, "liver"}, {2, "tumour, left"}};
  const CaseStatistics a = computeCaseStatistics("a", boxLabels(), nullptr, names);
  const CaseStatistics b = computeCaseStatistics("b,\"odd\"", boxLabels(), nullptr, names);
  const nlohmann::json j = toJson(a);
  EXPECT_EQ(j["case"], "a");
  EXPECT_EQ(j["labels"][0]["name"], "liver");
  EXPECT_EQ(j["labels"][0]["voxel_count"], 120);
  EXPECT_DOUBLE_EQ(j["labels"][0]["volume_ml"].get<double>(), 0.09);
  const std::string csv = labelStatisticsCsvHeader() + labelStatisticsCsvRows(a) + labelStatisticsCsvRows(b);
  EXPECT_NE(csv.find("\na,1,liver,120,0.09,,3,2,4,6,6,9,2,3.75,12,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\na,2,\"tumour, left\",0,0,,,,,,,,,,,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n\"b,\"\"odd\"\"\",1,liver,"), std::string::npos) << csv;
  // 1 header + 2 cases x 3 labels
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
}


core::LabelMap flatMap(core::Vec3 spacing) {
  core::Geometry g;
  g.size = {10, 10, 10};
  g.spacing = spacing;
  return core::LabelMap(g);
}

TEST(LabelStatisticsTest, VolumesUseTheVoxelSpacing) {
  core::LabelMap m = flatMap({0.5, 0.5, 2.0});  // 0.5 mm^3 per voxel
  for (int i = 0; i < 200; ++i) m.labels()[static_cast<size_t>(i)] = 1;
  for (int i = 200; i < 210; ++i) m.labels()[static_cast<size_t>(i)] = 7;
  const auto stats = computeLabelStatistics(m);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].label, 1);
  EXPECT_EQ(stats[0].voxelCount, 200);
  EXPECT_DOUBLE_EQ(stats[0].volumeMl, 0.1);  // 200 * 0.5 mm^3 = 100 mm^3
  EXPECT_EQ(stats[1].label, 7);
  EXPECT_EQ(stats[1].voxelCount, 10);
  EXPECT_FALSE(stats[0].dice.has_value());
}

TEST(LabelStatisticsTest, DicePerLabelAgainstAReference) {
  core::LabelMap a = flatMap({1, 1, 1}), b = flatMap({1, 1, 1});
  for (int i = 0; i < 100; ++i) a.labels()[static_cast<size_t>(i)] = 1;       // 0..99
  for (int i = 50; i < 150; ++i) b.labels()[static_cast<size_t>(i)] = 1;      // 50..149: 50 shared
  for (int i = 300; i < 310; ++i) b.labels()[static_cast<size_t>(i)] = 2;     // only in the reference
  const auto stats = computeLabelStatistics(a, nullptr, {}, &b);
  ASSERT_EQ(stats.size(), 2u);
  ASSERT_TRUE(stats[0].dice.has_value());
  EXPECT_DOUBLE_EQ(*stats[0].dice, 0.5);  // 2*50 / (100 + 100)
  EXPECT_EQ(stats[1].label, 2);
  EXPECT_EQ(stats[1].voxelCount, 0);
  EXPECT_DOUBLE_EQ(*stats[1].dice, 0.0);
  // Dice here agrees with the evaluation metrics' Dice (imaging/SegmentationMetrics.h).
  EXPECT_DOUBLE_EQ(*stats[0].dice, computeLabelMetrics(a, b, 1).dice);
  const CaseStatistics c = computeCaseStatistics("c", a, nullptr, {}, &b);
  EXPECT_NE(labelStatisticsCsvRows(c).find(",0.5\n"), std::string::npos) << labelStatisticsCsvRows(c);
  EXPECT_DOUBLE_EQ(toJson(c)["labels"][0]["dice"].get<double>(), 0.5);
  core::LabelMap elsewhere(core::Geometry{});
  EXPECT_THROW(computeLabelStatistics(a, nullptr, {}, &elsewhere), core::Error);
}

TEST(LabelStatisticsTest, LabelCentreLiesOnTheLabel) {
  core::LabelMap m = flatMap({1, 1, 1});
  // A "C" shape: its centroid (about i = 4) is outside the label.
  for (int64_t j = 2; j <= 8; ++j) m.at(2, j, 5) = 3;
  for (int64_t i = 2; i <= 8; ++i) m.at(i, 2, 5) = m.at(i, 8, 5) = 3;
  core::Index3 v{};
  ASSERT_TRUE(labelCentreVoxel(m, 3, v));
  EXPECT_EQ(m.at(v[0], v[1], v[2]), 3);
  EXPECT_EQ(v[2], 5);
  EXPECT_FALSE(labelCentreVoxel(m, 4, v));
}

}  // namespace
}  // namespace aunet::imaging
