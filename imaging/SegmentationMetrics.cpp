#include "imaging/SegmentationMetrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/Error.h"
#include "imaging/DistanceTransform.h"

namespace aunet::imaging {

namespace {


// Inclusive index box.
struct Box {
  core::Index3 min{0, 0, 0};
  core::Index3 max{-1, -1, -1};
  int64_t size(int d) const { return max[d] - min[d] + 1; }
  int64_t voxels() const { return size(0) * size(1) * size(2); }
};

// Squared distance in mm^2 from every voxel of the box to the nearest site (box-local layout).
std::vector<double> squaredDistanceTransform(const std::vector<uint8_t>& sites, const Box& box,
                                             const core::Vec3& spacing) {
  return imaging::squaredDistanceTransform(sites, core::Index3{box.size(0), box.size(1), box.size(2)}, spacing);
}

// Surface voxels of label `label` of `map`, inside `box` (box-local layout).
std::vector<uint8_t> surfaceMask(const core::LabelMap& map, uint16_t label, const Box& box) {
  const core::Geometry& g = map.geometry();
  const uint16_t* data = map.data();
  std::vector<uint8_t> surface(static_cast<size_t>(box.voxels()), 0);
  const int64_t stride[3] = {1, g.size[0], g.size[0] * g.size[1]};
  size_t out = 0;
  for (int64_t k = box.min[2]; k <= box.max[2]; ++k)
    for (int64_t j = box.min[1]; j <= box.max[1]; ++j)
      for (int64_t i = box.min[0]; i <= box.max[0]; ++i, ++out) {
        const int64_t o = g.offset(i, j, k);
        if (data[o] != label) continue;
        const int64_t idx[3] = {i, j, k};
        bool edge = false;
        for (int d = 0; d < 3 && !edge; ++d) {
          if (g.size[d] == 1) continue;  // a one-slice image has no neighbours across the slice
          edge = idx[d] == 0 || idx[d] == g.size[d] - 1 || data[o - stride[d]] != label ||
                 data[o + stride[d]] != label;
        }
        surface[out] = edge ? 1 : 0;
      }
  return surface;
}

// Distances (mm) from each surface voxel of `from` to the nearest one of `to`.
std::vector<double> directedDistances(const std::vector<uint8_t>& from, const std::vector<uint8_t>& to,
                                      const Box& box, const core::Vec3& spacing) {
  const std::vector<double> squared = squaredDistanceTransform(to, box, spacing);
  std::vector<double> distances;
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i]) distances.push_back(std::sqrt(squared[i]));
  return distances;
}

// Linear interpolation between order statistics (numpy.percentile's default).
double percentile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  const double position = q / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lower = static_cast<size_t>(std::floor(position));
  const size_t upper = std::min(lower + 1, values.size() - 1);
  return values[lower] + (position - static_cast<double>(lower)) * (values[upper] - values[lower]);
}

nlohmann::json optionalJson(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

}  // namespace

LabelMetrics computeLabelMetrics(const core::LabelMap& prediction, const core::LabelMap& reference, int label) {
  const core::Geometry& g = reference.geometry();
  if (!prediction.geometry().sameGrid(g))
    throw core::Error("segmentation metrics", "the prediction grid (" + prediction.geometry().describe() +
                                                  ") differs from the reference grid (" + g.describe() +
                                                  "); resample the prediction onto the reference first");
  if (label < 0 || label > 65535) throw core::Error("segmentation metrics", "label " + std::to_string(label) + " is outside 0..65535");
  const uint16_t l = static_cast<uint16_t>(label);
  LabelMetrics m;
  m.label = label;

  // Counts and the box around both masks: every surface voxel lies inside it, so the
  // distance transform restricted to it is exact.
  Box box;
  box.min = {g.size[0], g.size[1], g.size[2]};
  const uint16_t* p = prediction.data();
  const uint16_t* r = reference.data();
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j) {
      const int64_t row = g.offset(0, j, k);
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const bool inP = p[row + i] == l, inR = r[row + i] == l;
        if (!inP && !inR) continue;
        m.predictedVoxels += inP;
        m.referenceVoxels += inR;
        m.overlapVoxels += inP && inR;
        const int64_t idx[3] = {i, j, k};
        for (int d = 0; d < 3; ++d) {
          box.min[d] = std::min(box.min[d], idx[d]);
          box.max[d] = std::max(box.max[d], idx[d]);
        }
      }
    }

  if (m.predictedVoxels == 0 && m.referenceVoxels == 0) {
    m.dice = m.iou = 1.0;
    m.hd95Mm = m.assdMm = m.hausdorffMm = 0.0;
    return m;
  }
  const double sum = static_cast<double>(m.predictedVoxels + m.referenceVoxels);
  m.dice = 2.0 * static_cast<double>(m.overlapVoxels) / sum;
  m.iou = static_cast<double>(m.overlapVoxels) / (sum - static_cast<double>(m.overlapVoxels));
  if (m.predictedVoxels == 0 || m.referenceVoxels == 0) return m;  // distances undefined

  const std::vector<uint8_t> surfaceP = surfaceMask(prediction, l, box);
  const std::vector<uint8_t> surfaceR = surfaceMask(reference, l, box);
  const std::vector<double> pToR = directedDistances(surfaceP, surfaceR, box, g.spacing);
  const std::vector<double> rToP = directedDistances(surfaceR, surfaceP, box, g.spacing);
  m.hd95Mm = std::max(percentile(pToR, 95.0), percentile(rToP, 95.0));
  double total = 0.0, largest = 0.0;
  for (const auto* distances : {&pToR, &rToP})
    for (double d : *distances) {
      total += d;
      largest = std::max(largest, d);
    }
  m.assdMm = total / static_cast<double>(pToR.size() + rToP.size());
  m.hausdorffMm = largest;
  return m;
}

std::vector<LabelMetrics> computeSegmentationMetrics(const core::LabelMap& prediction,
                                                     const core::LabelMap& reference,
                                                     const std::vector<int>& labelValues) {
  std::vector<LabelMetrics> result;
  result.reserve(labelValues.size());
  for (int label : labelValues) result.push_back(computeLabelMetrics(prediction, reference, label));
  return result;
}

MetricSummary summarize(const std::vector<std::optional<double>>& values) {
  MetricSummary s;
  double sum = 0.0;
  for (const auto& v : values) {
    if (!v || std::isnan(*v)) {
      ++s.undefined;
      continue;
    }
    sum += *v;
    ++s.count;
  }
  if (s.count == 0) return s;
  const double mean = sum / s.count;
  double squares = 0.0;
  for (const auto& v : values)
    if (v && !std::isnan(*v)) squares += (*v - mean) * (*v - mean);
  s.mean = mean;
  s.std = std::sqrt(squares / s.count);
  return s;
}

nlohmann::json toJson(const LabelMetrics& m) {
  return {{"label", m.label},
          {"dice", m.dice},
          {"iou", m.iou},
          {"hd95_mm", optionalJson(m.hd95Mm)},
          {"assd_mm", optionalJson(m.assdMm)},
          {"hausdorff_mm", optionalJson(m.hausdorffMm)},
          {"predicted_voxels", m.predictedVoxels},
          {"reference_voxels", m.referenceVoxels},
          {"overlap_voxels", m.overlapVoxels}};
}

nlohmann::json toJson(const MetricSummary& s) {
  return {{"mean", optionalJson(s.mean)}, {"std", optionalJson(s.std)}, {"count", s.count}, {"undefined", s.undefined}};
}

}  // namespace aunet::imaging
