#pragma once
// k-means of scalar intensities (Lloyd's algorithm in one dimension), for tissue
// classes without an atlas: the context labels of synthetic training images
// (SynthSeg's CSF / grey / white matter when no labelsContext/ is given) and the
// tissue classes the robustness benchmark remaps into other contrasts. Centres
// start at the k quantiles' midpoints, so the result is deterministic. Std-only.

#include <cstdint>
#include <vector>

namespace aunet::imaging {

struct KMeansResult {
  std::vector<double> centres;  // ascending
  int iterations = 0;           // until no value changed class (or the limit)
};

// k >= 1 centres of `values` (a copy is sorted). Empty input: no centres.
KMeansResult intensityKMeans(std::vector<float> values, int k, int maxIterations = 100);

// The class (0..k-1, by ascending centre) of a value: its nearest centre.
int nearestCentre(const std::vector<double>& centres, double value);

}  // namespace aunet::imaging
