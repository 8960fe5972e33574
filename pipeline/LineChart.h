#pragma once
// Line charts drawn by the project (OpenCV, behind this std-only interface): the
// training curves of `aunet train` (loss, validation Dice per label) as a PNG.

#include <string>
#include <vector>

namespace aunet::pipeline {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;  // equal lengths; non-finite points are skipped
};

struct ChartPanel {
  std::string title;
  std::string xLabel, yLabel;
  std::vector<ChartSeries> series;
  bool fixedRange = false;   // use yMin..yMax instead of the data's range
  double yMin = 0.0, yMax = 1.0;
};

// Panels stacked vertically, `width` x `panelHeight` pixels each, written atomically
// as a PNG. Throws core::Error(path: reason).
void writeLineChartPng(const std::string& path, const std::vector<ChartPanel>& panels, int width = 900,
                       int panelHeight = 360);

}  // namespace aunet::pipeline
