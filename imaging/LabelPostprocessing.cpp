#include "imaging/LabelPostprocessing.h"

#include <algorithm>
#include <cstdint>
#include <numeric>

namespace aunet::imaging {

namespace {

// A maximal stretch of one label along i in row (j, k); [begin, end] inclusive.
struct Run {
  int64_t begin;
  int64_t end;
  uint16_t label;
};

// Union-find over runs, union by size so the root also carries the voxel count.
class RunForest {
 public:
  explicit RunForest(const std::vector<Run>& runs) : parent_(runs.size()), voxels_(runs.size()) {
    std::iota(parent_.begin(), parent_.end(), size_t{0});
    for (size_t r = 0; r < runs.size(); ++r) voxels_[r] = runs[r].end - runs[r].begin + 1;
  }
  size_t find(size_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }
  void unite(size_t a, size_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    // The root is always the run that comes first in voxel order: ties in size are
    // then broken by position, independent of the merge order.
    if (b < a) std::swap(a, b);
    parent_[b] = a;
    voxels_[a] += voxels_[b];
  }
  int64_t voxels(size_t root) const { return voxels_[root]; }

 private:
  std::vector<size_t> parent_;
  std::vector<int64_t> voxels_;
};

// Unites runs of the same label in two rows whose i-ranges touch, diagonals included
// (touching means overlapping after widening by one voxel on each side).
void connectRows(const std::vector<Run>& runs, size_t a0, size_t a1, size_t b0, size_t b1, RunForest& forest) {
  size_t first = b0;  // the first run of the other row that can still touch; only moves forward
  for (size_t a = a0; a < a1; ++a) {
    const Run& ra = runs[a];
    while (first < b1 && runs[first].end + 1 < ra.begin) ++first;
    for (size_t b = first; b < b1 && runs[b].begin <= ra.end + 1; ++b)
      if (runs[b].label == ra.label) forest.unite(a, b);
  }
}

}  // namespace

core::LabelMap keepLargestComponent(const core::LabelMap& labels, const std::vector<int>& labelValues) {
  core::LabelMap result = labels;
  std::vector<bool> selected(65536, false);
  bool any = false;
  for (int v : labelValues)
    if (v > 0 && v <= 65535) selected[static_cast<size_t>(v)] = any = true;
  if (!any || labels.labels().empty()) return result;

  const core::Geometry& g = labels.geometry();
  const int64_t nx = g.size[0], ny = g.size[1], nz = g.size[2];
  const uint16_t* data = labels.data();

  // Runs of selected labels, row by row; rowStart[r]..rowStart[r+1] are row r's runs.
  std::vector<Run> runs;
  std::vector<size_t> rowStart(static_cast<size_t>(ny * nz) + 1, 0);
  for (int64_t row = 0; row < ny * nz; ++row) {
    rowStart[static_cast<size_t>(row)] = runs.size();
    const uint16_t* line = data + row * nx;
    for (int64_t i = 0; i < nx;) {
      const uint16_t l = line[i];
      int64_t e = i;
      while (e + 1 < nx && line[e + 1] == l) ++e;
      if (l != 0 && selected[l]) runs.push_back({i, e, l});
      i = e + 1;
    }
  }
  rowStart[static_cast<size_t>(ny * nz)] = runs.size();
  if (runs.empty()) return result;

  // 26-connectivity: a row touches the rows at j-1 (same k) and j-1..j+1 (k-1);
  // the other neighbours are visited from the later row.
  RunForest forest(runs);
  auto rowRange = [&](int64_t j, int64_t k, size_t& b, size_t& e) {
    const size_t r = static_cast<size_t>(j + ny * k);
    b = rowStart[r];
    e = rowStart[r + 1];
  };
  for (int64_t k = 0; k < nz; ++k)
    for (int64_t j = 0; j < ny; ++j) {
      size_t a0, a1;
      rowRange(j, k, a0, a1);
      if (a0 == a1) continue;
      const int64_t neighbours[4][2] = {{j - 1, k}, {j - 1, k - 1}, {j, k - 1}, {j + 1, k - 1}};
      for (const auto& n : neighbours) {
        if (n[0] < 0 || n[0] >= ny || n[1] < 0) continue;
        size_t b0, b1;
        rowRange(n[0], n[1], b0, b1);
        connectRows(runs, a0, a1, b0, b1, forest);
      }
    }

  // The largest root per label; roots are visited in voxel order, so the first of
  // equally large components wins.
  std::vector<int64_t> bestSize(65536, 0);
  std::vector<size_t> bestRoot(65536, 0);
  for (size_t r = 0; r < runs.size(); ++r) {
    if (forest.find(r) != r) continue;
    const uint16_t l = runs[r].label;
    if (forest.voxels(r) > bestSize[l]) {
      bestSize[l] = forest.voxels(r);
      bestRoot[l] = r;
    }
  }

  uint16_t* out = result.data();
  for (int64_t row = 0; row < ny * nz; ++row)
    for (size_t r = rowStart[static_cast<size_t>(row)]; r < rowStart[static_cast<size_t>(row) + 1]; ++r)
      if (forest.find(r) != bestRoot[runs[r].label])
        std::fill(out + row * nx + runs[r].begin, out + row * nx + runs[r].end + 1, uint16_t{0});
  return result;
}

}  // namespace aunet::imaging
