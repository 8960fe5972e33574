#pragma once
// Per-label numbers for the legend and the statistics CSV: voxel count, volume in
// millilitres from the grid spacing, and Dice against a reference mask on the same grid.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "model/api/LabelInfo.h"

namespace aunet::gui {

struct LabelStatistic {
  int value = 0;
  int64_t voxels = 0;
  double volumeMl = 0.0;
  std::optional<double> dice;  // only with a reference; NaN never appears
};

class LabelStatistics {
 public:
  // One entry per non-zero label present in `labels` or in `reference`, by value.
  // `reference` may be null; it must share the grid of `labels` (checked by the caller).
  static std::vector<LabelStatistic> compute(const core::LabelMap& labels, const core::LabelMap* reference = nullptr);
  // A voxel of `label` nearest to the label's centroid (so it lies on the label even
  // for curved shapes), or false when the label is absent. The legend jumps there.
  static bool findLabelCentre(const core::LabelMap& labels, int label, core::Index3& voxel);
  // Millilitres per voxel of a grid.
  static double voxelVolumeMl(const core::Geometry& geometry);
  // CSV text: label,name,voxels,volume_ml,dice (dice empty without a reference).
  static std::string toCsv(const std::vector<LabelStatistic>& stats, const std::vector<model::LabelInfo>& labels);
};

}  // namespace aunet::gui
