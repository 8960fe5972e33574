#include "gui/LabelStatistics.h"

#include <algorithm>
#include <iomanip>
#include <sstream>

namespace aunet::gui {

double LabelStatistics::voxelVolumeMl(const core::Geometry& geometry) {
  return geometry.spacing[0] * geometry.spacing[1] * geometry.spacing[2] / 1000.0;
}

std::vector<LabelStatistic> LabelStatistics::compute(const core::LabelMap& labels, const core::LabelMap* reference) {
  std::vector<int64_t> counts(65536, 0), refCounts, overlap;
  const auto& a = labels.labels();
  for (uint16_t v : a) ++counts[v];
  if (reference) {
    refCounts.assign(65536, 0);
    overlap.assign(65536, 0);
    const auto& b = reference->labels();
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      ++refCounts[b[i]];
      if (a[i] == b[i]) ++overlap[a[i]];
    }
  }
  const double ml = voxelVolumeMl(labels.geometry());
  std::vector<LabelStatistic> out;
  for (int v = 1; v < 65536; ++v) {
    const int64_t r = reference ? refCounts[v] : 0;
    if (counts[v] == 0 && r == 0) continue;
    LabelStatistic s;
    s.value = v;
    s.voxels = counts[v];
    s.volumeMl = static_cast<double>(counts[v]) * ml;
    if (reference) s.dice = 2.0 * static_cast<double>(overlap[v]) / static_cast<double>(counts[v] + r);
    out.push_back(s);
  }
  return out;
}

bool LabelStatistics::findLabelCentre(const core::LabelMap& labels, int label, core::Index3& voxel) {
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

std::string LabelStatistics::toCsv(const std::vector<LabelStatistic>& stats,
                                   const std::vector<model::LabelInfo>& labels) {
  std::ostringstream csv;
  csv << "label,name,voxels,volume_ml,dice\n";
  for (const auto& s : stats) {
    std::string name = "label " + std::to_string(s.value);
    for (const auto& l : labels)
      if (l.value == s.value) name = l.name;
    // Quote names: they come from model files and may hold commas.
    std::string quoted = "\"";
    for (char c : name) quoted += (c == '"') ? std::string("\"\"") : std::string(1, c);
    quoted += '"';
    csv << s.value << ',' << quoted << ',' << s.voxels << ',' << std::fixed << std::setprecision(3) << s.volumeMl
        << ',';
    if (s.dice) csv << std::setprecision(4) << *s.dice;
    csv << '\n';
  }
  return csv.str();
}

}  // namespace aunet::gui
