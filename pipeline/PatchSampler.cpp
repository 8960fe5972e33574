#include "pipeline/PatchSampler.h"

#include <algorithm>
#include <random>

#include "core/Error.h"
#include "model/VolumeTensor.h"

namespace aunet::pipeline {

namespace {

// nnU-Net samples at most this many voxels per class and case to centre patches on.
constexpr size_t kMaxForegroundPerClass = 10000;

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Copies the part of the case at `start` (may lie partly outside: zeros there).
void copyPatch(const CaseTensors& c, const torch::Tensor& labels, const std::vector<int64_t>& start,
               const std::vector<int64_t>& patch, torch::Tensor imageOut, torch::Tensor labelOut) {
  imageOut.zero_();
  labelOut.zero_();
  torch::Tensor src = c.image, dst = imageOut, srcL = labels, dstL = labelOut;
  for (size_t a = 0; a < patch.size(); ++a) {
    const int64_t begin = std::max<int64_t>(0, start[a]);
    const int64_t end = std::min(c.shape[a], start[a] + patch[a]);
    if (end <= begin) return;
    const auto axis = static_cast<int64_t>(a);
    src = src.narrow(axis + 1, begin, end - begin);
    dst = dst.narrow(axis + 1, begin - start[a], end - begin);
    srcL = srcL.narrow(axis, begin, end - begin);
    dstL = dstL.narrow(axis, begin - start[a], end - begin);
  }
  dst.copy_(src);
  dstL.copy_(srcL);
}

}  // namespace

CaseTensors makeCaseTensors(const TrainingCase& c, int spatialDims, int classes, uint64_t seed, torch::Device device) {
  CaseTensors t;
  t.image = model::volumeToTensor(c.image, spatialDims)[0].contiguous();
  t.shape.assign(t.image.sizes().begin() + 1, t.image.sizes().end());
  const auto& values = c.labels.labels();
  t.labels = torch::empty(t.shape, torch::kLong);
  int64_t* out = t.labels.data_ptr<int64_t>();
  t.foreground.assign(static_cast<size_t>(classes), {});
  for (size_t i = 0; i < values.size(); ++i) {
    out[i] = values[i];
    if (values[i] > 0 && values[i] < classes) t.foreground[values[i]].push_back(static_cast<int64_t>(i));
  }
  std::mt19937_64 rng(seed);
  for (auto& list : t.foreground)
    if (list.size() > kMaxForegroundPerClass) {
      std::shuffle(list.begin(), list.end(), rng);
      list.resize(kMaxForegroundPerClass);
    }
  t.image = t.image.to(device);
  t.labels = t.labels.to(device);
  return t;
}

PatchSampler::PatchSampler(std::vector<CaseTensors> cases, std::vector<int64_t> patch, int classes,
                           double foregroundFraction, TrainingAugmenter augmenter)
    : cases_(std::move(cases)),
      patch_(std::move(patch)),
      classes_(classes),
      foregroundFraction_(foregroundFraction),
      augmenter_(std::move(augmenter)) {
  if (cases_.empty()) throw core::Error("training", "no training cases to sample patches from");
}

uint64_t PatchSampler::sampleSeed(uint64_t runSeed, int epoch, int iteration, int64_t sample) {
  uint64_t h = splitmix64(runSeed);
  h = splitmix64(h ^ static_cast<uint64_t>(epoch));
  h = splitmix64(h ^ static_cast<uint64_t>(iteration));
  return splitmix64(h ^ static_cast<uint64_t>(sample));
}

void PatchSampler::sample(uint64_t seed, torch::Tensor imageOut, torch::Tensor labelOut) const {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const CaseTensors& c = cases_[std::uniform_int_distribution<size_t>(0, cases_.size() - 1)(rng)];
  std::vector<int> present;
  for (int k = 1; k < classes_; ++k)
    if (!c.foreground[static_cast<size_t>(k)].empty()) present.push_back(k);
  const bool foreground = !present.empty() && uniform(rng) < foregroundFraction_;
  const size_t dims = patch_.size();
  // Patch centre in voxels (tensor order): a foreground voxel, or anywhere the patch fits.
  std::vector<double> centre(dims);
  if (foreground) {
    const auto& list = c.foreground[static_cast<size_t>(present[std::uniform_int_distribution<size_t>(0, present.size() - 1)(rng)])];
    int64_t flat = list[std::uniform_int_distribution<size_t>(0, list.size() - 1)(rng)];
    for (size_t a = dims; a-- > 0;) {
      centre[a] = static_cast<double>(flat % c.shape[a]);
      flat /= c.shape[a];
    }
  }
  std::vector<int64_t> start(dims);
  for (size_t a = 0; a < dims; ++a) {
    const int64_t lo = std::min<int64_t>(0, c.shape[a] - patch_[a]), hi = std::max<int64_t>(0, c.shape[a] - patch_[a]);
    start[a] = foreground ? std::clamp(static_cast<int64_t>(centre[a]) - patch_[a] / 2, lo, hi)
                          : std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }
  const SpatialTransform transform = augmenter_.drawSpatial(rng);
  // A synthetic sample crops the generation labels and draws its image from them
  // (no draw at all when the plan has none, so other runs keep their samples).
  const double syntheticShare = augmenter_.plan().synthetic;
  const bool synthetic = syntheticShare > 0 && c.generation.defined() && uniform(rng) < syntheticShare;
  const torch::Tensor& labels = synthetic ? c.generation : c.labels;
  if (transform.active) {
    std::vector<double> middle(dims);
    for (size_t a = 0; a < dims; ++a) middle[a] = static_cast<double>(start[a]) + (static_cast<double>(patch_[a]) - 1.0) / 2.0;
    augmenter_.resample(c.image, labels, middle, transform, imageOut, labelOut);
  } else {
    copyPatch(c, labels, start, patch_, imageOut, labelOut);
  }
  if (synthetic) {
    augmenter_.synthesize(labelOut, c.generationCount, imageOut, rng);
    labelOut.masked_fill_(labelOut >= classes_, 0);  // context labels are not predicted
  }
  augmenter_.applyIntensityAndMirror(imageOut, labelOut, rng);
}

TrainingBatch PatchSampler::batch(const std::vector<uint64_t>& seeds) const {
  const CaseTensors& first = cases_.front();
  std::vector<int64_t> shape{static_cast<int64_t>(seeds.size()), first.image.size(0)};
  shape.insert(shape.end(), patch_.begin(), patch_.end());
  std::vector<int64_t> labelShape{static_cast<int64_t>(seeds.size())};
  labelShape.insert(labelShape.end(), patch_.begin(), patch_.end());
  TrainingBatch b{torch::empty(shape, first.image.options()), torch::empty(labelShape, first.labels.options())};
  for (size_t i = 0; i < seeds.size(); ++i) sample(seeds[i], b.image[static_cast<int64_t>(i)], b.labels[static_cast<int64_t>(i)]);
  return b;
}

}  // namespace aunet::pipeline
