#include "pipeline/GenerationLabels.h"

#include <map>

#include "core/Error.h"
#include "imaging/IntensityKMeans.h"

namespace aunet::pipeline {

void attachGenerationLabels(CaseTensors& t, const TrainingCase& c, int classes, int contextClasses) {
  const auto& labels = c.labels.labels();
  const size_t n = labels.size();
  std::vector<int64_t> generation(n);
  int64_t count = classes;
  const auto& context = c.context.labels();
  if (!context.empty()) {
    if (context.size() != n) throw core::Error(c.id, "labelsContext/ grid differs from the case's labels");
    std::map<uint16_t, int64_t> index;  // context values -> 0..m-1
    for (uint16_t v : context) index.emplace(v, 0);
    int64_t next = 0;
    for (auto& entry : index) entry.second = next++;
    for (size_t i = 0; i < n; ++i) generation[i] = labels[i] > 0 ? labels[i] : classes + index[context[i]];
    count += next;
  } else if (contextClasses > 0) {
    const float* image = c.image.channel(0);
    // Centres from at most ~200k voxels (every s-th), classes for every voxel.
    std::vector<float> sample;
    const size_t step = std::max<size_t>(1, n / 200000);
    for (size_t i = 0; i < n; i += step) sample.push_back(image[i]);
    const imaging::KMeansResult k = imaging::intensityKMeans(std::move(sample), contextClasses);
    for (size_t i = 0; i < n; ++i)
      generation[i] = labels[i] > 0 ? labels[i] : classes + imaging::nearestCentre(k.centres, image[i]);
    count += static_cast<int64_t>(k.centres.size());
  } else {
    for (size_t i = 0; i < n; ++i) generation[i] = labels[i];
  }
  t.generation = torch::tensor(generation, torch::kLong).view(t.shape).to(t.labels.device());
  t.generationCount = count;
}

}  // namespace aunet::pipeline
