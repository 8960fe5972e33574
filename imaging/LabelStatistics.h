#pragma once
// Per-label measurements of a segmentation: voxel count, volume in mL, mean image
// intensity inside the label, the bounding box (voxel indices and physical extent)
// and, given a reference mask, Dice. The one implementation: `aunet segment --stats`,
// the viewer's legend and its CSV export all use it. JSON per case, CSV rows for a
// batch (io/LabelStatisticsWriter.h writes them to files).
// Label names come as a plain map so io/ does not depend on model/.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/Geometry.h"
#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::imaging {

struct LabelStatistics {
  int label = 0;
  std::string name;         // from the names map, else "label_<value>"
  int64_t voxelCount = 0;
  double volumeMl = 0.0;    // voxelCount * spacing product / 1000
  // Mean of each image channel over the label's voxels; empty without an image or
  // when the label has no voxel.
  std::vector<double> meanIntensity;
  // Inclusive voxel index range; only meaningful when voxelCount > 0.
  core::Index3 boundingBoxMin{0, 0, 0};
  core::Index3 boundingBoxMax{0, 0, 0};
  // Size of the box along the image axes in mm, outer voxel edges:
  // (max - min + 1) * spacing.
  core::Vec3 extentMm{0, 0, 0};
  // The axis-aligned LPS box around the 8 outer corners of the voxel box, in mm
  // (for an oblique grid this is larger than extentMm).
  core::Vec3 physicalMin{0, 0, 0};
  core::Vec3 physicalMax{0, 0, 0};
  // 2|A and B| / (|A| + |B|) against the reference, when one was given.
  std::optional<double> dice;
};

struct CaseStatistics {
  std::string caseName;
  core::Geometry geometry;
  std::vector<LabelStatistics> labels;  // ascending label value
};

// Every non-zero label present in `labels`, plus every non-zero key of `names`
// (absent ones with count 0, so a batch has the same rows for every case).
// `image`, when given, must lie on the label map's grid (Geometry::sameGrid), else
// core::Error. One pass over the voxels.
// With a `reference` (same grid), every non-zero label of the reference counts too,
// and each label gets its Dice.
std::vector<LabelStatistics> computeLabelStatistics(const core::LabelMap& labels,
                                                    const core::Volume* image = nullptr,
                                                    const std::map<int, std::string>& names = {},
                                                    const core::LabelMap* reference = nullptr);

CaseStatistics computeCaseStatistics(const std::string& caseName, const core::LabelMap& labels,
                                     const core::Volume* image = nullptr,
                                     const std::map<int, std::string>& names = {},
                                     const core::LabelMap* reference = nullptr);

// A voxel of `label` nearest (in mm) to the label's centroid, so it lies on the label
// even for curved shapes; false when the label is absent. The viewer jumps there.
bool labelCentreVoxel(const core::LabelMap& labels, int label, core::Index3& voxel);

// {"case", "geometry": {size, spacing, origin, direction}, "voxel_volume_ml",
//  "labels": [{label, name, voxel_count, volume_ml, mean_intensity (channel 0 or
//  null), mean_intensity_per_channel (only with more than one channel),
//  bounding_box: {min, max, extent_mm, physical_min, physical_max} or null}]}
nlohmann::json toJson(const CaseStatistics& statistics);

// CSV: one row per case and label, comma-separated, fields quoted where needed,
// empty fields for values that do not exist (mean without image, box of an empty
// label). Columns: case,label,name,voxel_count,volume_ml,mean_intensity,
// bbox_min_i,bbox_min_j,bbox_min_k,bbox_max_i,bbox_max_j,bbox_max_k,
// extent_i_mm,extent_j_mm,extent_k_mm,dice (empty without a reference)
std::string labelStatisticsCsvHeader();
std::string labelStatisticsCsvRows(const CaseStatistics& statistics);

// A CSV field: quoted (with doubled quotes) when it holds a comma, quote or newline.
std::string csvField(const std::string& value);

}  // namespace aunet::imaging
