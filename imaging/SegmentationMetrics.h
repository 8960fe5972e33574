#pragma once
// Overlap and surface-distance metrics between a predicted and a reference label map
// on the same grid, per label, in physical units (mm) with anisotropic spacing.
//
// Definitions (label l; P = predicted voxels of l, R = reference voxels of l):
// - Dice = 2|P n R| / (|P| + |R|), IoU = |P n R| / |P u R|.
// - Surface voxels of a mask: voxels of the mask with at least one face neighbour
//   (6-neighbourhood; 4 in a one-slice image) outside the mask; voxels on the image
//   border count as surface (outside the image is background).
// - Directed distances: for each surface voxel of one mask, the Euclidean distance
//   in mm between its centre and the nearest surface voxel centre of the other mask
//   (exact Euclidean distance transform, spacing-weighted).
// - HD95 = max(P95(d(P->R)), P95(d(R->P))), percentiles with linear interpolation
//   between order statistics (numpy's default; MONAI's convention).
// - Hausdorff = max of all directed distances.
// - ASSD = (sum d(P->R) + sum d(R->P)) / (#surface(P) + #surface(R)).
// Empty masks:
// - both empty: Dice 1, IoU 1, HD95 = Hausdorff = ASSD = 0 (a correct "absent").
// - exactly one empty: Dice 0, IoU 0, distances undefined (std::nullopt, null in
//   JSON); summaries leave them out and report how many were left out.

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/LabelMap.h"

namespace aunet::imaging {

struct LabelMetrics {
  int label = 0;
  int64_t predictedVoxels = 0;
  int64_t referenceVoxels = 0;
  int64_t overlapVoxels = 0;
  double dice = 0.0;
  double iou = 0.0;
  std::optional<double> hd95Mm;
  std::optional<double> assdMm;
  std::optional<double> hausdorffMm;
};

// The metrics of one label. Both maps must lie on the same grid
// (Geometry::sameGrid), else core::Error: resample the prediction first
// (imaging/ImageResampler.h). Work and memory beyond the inputs grow with the bounding
// box of the label in either map, not with the image.
LabelMetrics computeLabelMetrics(const core::LabelMap& prediction, const core::LabelMap& reference, int label);

// computeLabelMetrics for each value, in the given order.
std::vector<LabelMetrics> computeSegmentationMetrics(const core::LabelMap& prediction,
                                                     const core::LabelMap& reference,
                                                     const std::vector<int>& labelValues);

// Mean and population standard deviation (ddof 0) of the defined values; `count`
// values entered, `undefined` were nullopt and left out. mean/std are nullopt when
// count is 0.
struct MetricSummary {
  std::optional<double> mean;
  std::optional<double> std;
  int count = 0;
  int undefined = 0;
};
MetricSummary summarize(const std::vector<std::optional<double>>& values);

// {"label", "dice", "iou", "hd95_mm", "assd_mm", "hausdorff_mm" (null when
// undefined), "predicted_voxels", "reference_voxels", "overlap_voxels"}
nlohmann::json toJson(const LabelMetrics& metrics);
// {"mean", "std" (null when count is 0), "count", "undefined"}
nlohmann::json toJson(const MetricSummary& summary);

}  // namespace aunet::imaging
