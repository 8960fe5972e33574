#include "imaging/LabelStatistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/Error.h"

namespace aunet::imaging {

namespace {

// Per label accumulators of the single pass.
struct Accumulator {
  int64_t count = 0;
  int64_t referenceCount = 0;  // voxels of this label in the reference
  int64_t overlap = 0;         // voxels of this label in both
  core::Index3 min{std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max(),
                   std::numeric_limits<int64_t>::max()};
  core::Index3 max{-1, -1, -1};
  std::vector<double> sums;
};

std::string formatNumber(double v) {
  std::ostringstream s;
  s.precision(std::numeric_limits<double>::max_digits10 - 2);  // 15 digits: no float noise in the CSV
  s << v;
  return s.str();
}

nlohmann::json vecJson(const core::Vec3& v) { return nlohmann::json::array({v[0], v[1], v[2]}); }
nlohmann::json indexJson(const core::Index3& v) { return nlohmann::json::array({v[0], v[1], v[2]}); }

}  // namespace

std::vector<LabelStatistics> computeLabelStatistics(const core::LabelMap& labels, const core::Volume* image,
                                                    const std::map<int, std::string>& names,
                                                    const core::LabelMap* reference) {
  const core::Geometry& g = labels.geometry();
  if (image && !image->geometry().sameGrid(g))
    throw core::Error("label statistics", "the image grid (" + image->geometry().describe() +
                                              ") differs from the label map grid (" + g.describe() + ")");
  if (reference && !reference->geometry().sameGrid(g))
    throw core::Error("label statistics", "the reference grid (" + reference->geometry().describe() +
                                              ") differs from the label map grid (" + g.describe() + ")");
  const int channels = image ? image->channels() : 0;
  std::map<int, Accumulator> acc;
  for (const auto& [value, name] : names)
    if (value > 0) acc[value];

  // Labels rarely change between neighbouring voxels: cache the current accumulator.
  uint16_t lastLabel = 0;
  Accumulator* current = nullptr;
  const uint16_t* data = labels.data();
  const int64_t voxels = g.voxelCount();
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j) {
      const int64_t rowOffset = g.offset(0, j, k);
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const uint16_t l = data[rowOffset + i];
        if (reference) {
          const uint16_t r = reference->data()[rowOffset + i];
          if (r != 0) {
            Accumulator& ra = acc[r];
            ++ra.referenceCount;
            ra.overlap += r == l;
            if (ra.sums.size() != static_cast<size_t>(channels)) ra.sums.assign(channels, 0.0);
          }
        }
        if (l == 0) continue;
        if (!current || l != lastLabel) {
          current = &acc[l];
          lastLabel = l;
          if (current->sums.size() != static_cast<size_t>(channels)) current->sums.assign(channels, 0.0);
        }
        Accumulator& a = *current;
        ++a.count;
        const int64_t idx[3] = {i, j, k};
        for (int d = 0; d < 3; ++d) {
          a.min[d] = std::min(a.min[d], idx[d]);
          a.max[d] = std::max(a.max[d], idx[d]);
        }
        for (int c = 0; c < channels; ++c) a.sums[c] += image->data()[c * voxels + rowOffset + i];
      }
    }

  const double voxelMl = g.spacing[0] * g.spacing[1] * g.spacing[2] / 1000.0;
  std::vector<LabelStatistics> result;
  for (const auto& [value, a] : acc) {
    LabelStatistics s;
    s.label = value;
    const auto named = names.find(value);
    s.name = named != names.end() ? named->second : "label_" + std::to_string(value);
    s.voxelCount = a.count;
    s.volumeMl = static_cast<double>(a.count) * voxelMl;
    if (reference && a.count + a.referenceCount > 0)
      s.dice = 2.0 * static_cast<double>(a.overlap) / static_cast<double>(a.count + a.referenceCount);
    if (a.count > 0) {
      for (int c = 0; c < channels; ++c) s.meanIntensity.push_back(a.sums[c] / static_cast<double>(a.count));
      s.boundingBoxMin = a.min;
      s.boundingBoxMax = a.max;
      for (int d = 0; d < 3; ++d) s.extentMm[d] = static_cast<double>(a.max[d] - a.min[d] + 1) * g.spacing[d];
      // Corners of the box at the outer voxel edges (index +- 0.5).
      s.physicalMin = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                       std::numeric_limits<double>::max()};
      s.physicalMax = {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest(),
                       std::numeric_limits<double>::lowest()};
      for (int corner = 0; corner < 8; ++corner) {
        core::Vec3 index;
        for (int d = 0; d < 3; ++d)
          index[d] = (corner >> d & 1) ? static_cast<double>(a.max[d]) + 0.5 : static_cast<double>(a.min[d]) - 0.5;
        const core::Vec3 p = g.indexToPhysical(index);
        for (int d = 0; d < 3; ++d) {
          s.physicalMin[d] = std::min(s.physicalMin[d], p[d]);
          s.physicalMax[d] = std::max(s.physicalMax[d], p[d]);
        }
      }
    }
    result.push_back(std::move(s));
  }
  return result;
}

CaseStatistics computeCaseStatistics(const std::string& caseName, const core::LabelMap& labels,
                                     const core::Volume* image, const std::map<int, std::string>& names,
                                     const core::LabelMap* reference) {
  return {caseName, labels.geometry(), computeLabelStatistics(labels, image, names, reference)};
}

bool labelCentreVoxel(const core::LabelMap& labels, int label, core::Index3& voxel) {
  const core::Geometry& g = labels.geometry();
  double sum[3] = {0, 0, 0};
  int64_t n = 0;
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i)
        if (labels.at(i, j, k) == label) {
          sum[0] += static_cast<double>(i);
          sum[1] += static_cast<double>(j);
          sum[2] += static_cast<double>(k);
          ++n;
        }
  if (n == 0) return false;
  const double c[3] = {sum[0] / n, sum[1] / n, sum[2] / n};
  double best = -1.0;
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        if (labels.at(i, j, k) != label) continue;
        // Distance in mm, so anisotropic grids pick the physically nearest voxel.
        const double dx = (i - c[0]) * g.spacing[0], dy = (j - c[1]) * g.spacing[1], dz = (k - c[2]) * g.spacing[2];
        const double d = dx * dx + dy * dy + dz * dz;
        if (best < 0 || d < best) {
          best = d;
          voxel = {i, j, k};
        }
      }
  return true;
}

nlohmann::json toJson(const CaseStatistics& statistics) {
  const core::Geometry& g = statistics.geometry;
  nlohmann::json labels = nlohmann::json::array();
  for (const auto& s : statistics.labels) {
    nlohmann::json j{{"label", s.label}, {"name", s.name}, {"voxel_count", s.voxelCount}, {"volume_ml", s.volumeMl}};
    if (s.dice) j["dice"] = *s.dice;
    j["mean_intensity"] = s.meanIntensity.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.meanIntensity[0]);
    if (s.meanIntensity.size() > 1) j["mean_intensity_per_channel"] = s.meanIntensity;
    if (s.voxelCount > 0)
      j["bounding_box"] = {{"min", indexJson(s.boundingBoxMin)},
                           {"max", indexJson(s.boundingBoxMax)},
                           {"extent_mm", vecJson(s.extentMm)},
                           {"physical_min", vecJson(s.physicalMin)},
                           {"physical_max", vecJson(s.physicalMax)}};
    else
      j["bounding_box"] = nullptr;
    labels.push_back(std::move(j));
  }
  return {{"case", statistics.caseName},
          {"geometry",
           {{"size", indexJson(g.size)},
            {"spacing", vecJson(g.spacing)},
            {"origin", vecJson(g.origin)},
            {"direction", g.direction}}},
          {"voxel_volume_ml", g.spacing[0] * g.spacing[1] * g.spacing[2] / 1000.0},
          {"labels", std::move(labels)}};
}

std::string csvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string labelStatisticsCsvHeader() {
  return "case,label,name,voxel_count,volume_ml,mean_intensity,bbox_min_i,bbox_min_j,bbox_min_k,"
         "bbox_max_i,bbox_max_j,bbox_max_k,extent_i_mm,extent_j_mm,extent_k_mm,dice\n";
}

std::string labelStatisticsCsvRows(const CaseStatistics& statistics) {
  std::ostringstream out;
  for (const auto& s : statistics.labels) {
    out << csvField(statistics.caseName) << ',' << s.label << ',' << csvField(s.name) << ',' << s.voxelCount << ','
        << formatNumber(s.volumeMl) << ',' << (s.meanIntensity.empty() ? "" : formatNumber(s.meanIntensity[0]));
    const bool box = s.voxelCount > 0;
    for (int d = 0; d < 3; ++d) out << ',' << (box ? std::to_string(s.boundingBoxMin[d]) : "");
    for (int d = 0; d < 3; ++d) out << ',' << (box ? std::to_string(s.boundingBoxMax[d]) : "");
    for (int d = 0; d < 3; ++d) out << ',' << (box ? formatNumber(s.extentMm[d]) : "");
    out << ',' << (s.dice ? formatNumber(*s.dice) : "") << '\n';
  }
  return out.str();
}

}  // namespace aunet::imaging
