#include "imaging/IntensityNormalizer.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/Error.h"

namespace aunet::imaging {

namespace {

// nnU-Net divides by max(std, 1e-8) so that a constant image does not blow up.
constexpr double kMinStd = 1e-8;
// Voxels per partial sum of a reduction (see normalizeZScore).
constexpr int64_t kReductionBlock = int64_t{1} << 16;

void checkChannel(const core::Volume& volume, int channel, const char* what) {
  if (volume.empty()) throw core::Error(std::string(what) + ": the volume is empty");
  if (channel < 0 || channel >= volume.channels())
    throw core::Error(std::string(what) + ": channel " + std::to_string(channel) + " does not exist (the volume has " +
                      std::to_string(volume.channels()) + ")");
}

// numpy.percentile with linear interpolation, on sorted values.
double percentileOfSorted(const std::vector<float>& sorted, double p) {
  const double pos = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return static_cast<double>(sorted[lo]) + (static_cast<double>(sorted[hi]) - sorted[lo]) * frac;
}

// Pools the foreground values of one case into `pooled` (one vector per channel).
void addCase(const core::Volume& image, const core::LabelMap& labels, const std::string& imageName,
             const std::string& labelName, const ForegroundStatisticsOptions& options, std::mt19937_64& rng,
             std::vector<std::vector<float>>& pooled) {
  if (image.empty()) throw core::Error(imageName, "image is empty");
  if (!image.geometry().sameGrid(labels.geometry()))
    throw core::Error(labelName, "label map is not on the grid of its image (" + labels.geometry().describe() +
                                     " vs " + image.geometry().describe() + ")");
  if (pooled.empty()) pooled.resize(static_cast<size_t>(image.channels()));
  if (static_cast<int>(pooled.size()) != image.channels())
    throw core::Error(imageName, "image has " + std::to_string(image.channels()) + " channel(s), the first image has " +
                                     std::to_string(pooled.size()));
  std::vector<int64_t> foreground;
  const int64_t n = image.geometry().voxelCount();
  for (int64_t v = 0; v < n; ++v)
    if (labels.data()[v] != 0) foreground.push_back(v);
  if (foreground.empty()) return;
  if (options.samplesPerCase > 0) {
    // With replacement, as nnU-Net draws: every case contributes the same count.
    std::uniform_int_distribution<size_t> pick(0, foreground.size() - 1);
    std::vector<int64_t> drawn(static_cast<size_t>(options.samplesPerCase));
    for (auto& d : drawn) d = foreground[pick(rng)];
    foreground.swap(drawn);
  }
  for (int c = 0; c < image.channels(); ++c) {
    const float* data = image.channel(c);
    auto& out = pooled[static_cast<size_t>(c)];
    out.reserve(out.size() + foreground.size());
    for (const int64_t v : foreground) out.push_back(data[v]);
  }
}

std::vector<IntensityStatistics> finish(std::vector<std::vector<float>>& pooled) {
  std::vector<IntensityStatistics> stats;
  for (auto& values : pooled) stats.push_back(intensityStatistics(values));
  return stats;
}

}  // namespace

IntensityStatistics intensityStatistics(std::vector<float>& values) {
  IntensityStatistics s;
  if (values.empty()) return s;
  s.count = static_cast<int64_t>(values.size());
  double sum = 0.0;
  for (const float v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  double squares = 0.0;  // two passes: no cancellation for large offsets (HU ~ -1000)
  for (const float v : values) squares += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(squares / static_cast<double>(values.size()));
  std::sort(values.begin(), values.end());
  s.min = values.front();
  s.max = values.back();
  s.median = percentileOfSorted(values, 50.0);
  s.percentile00_5 = percentileOfSorted(values, 0.5);
  s.percentile99_5 = percentileOfSorted(values, 99.5);
  return s;
}

CtNormalization CtNormalization::fromStatistics(const IntensityStatistics& foreground) {
  if (foreground.count == 0) throw core::Error("CT normalization: the data set has no foreground voxels");
  CtNormalization p;
  p.clipLow = foreground.percentile00_5;
  p.clipHigh = foreground.percentile99_5;
  p.mean = foreground.mean;
  p.std = foreground.std;
  return p;
}

void normalizeCt(core::Volume& volume, int channel, const CtNormalization& parameters) {
  checkChannel(volume, channel, "CT normalization");
  if (!(parameters.clipLow <= parameters.clipHigh) || !std::isfinite(parameters.mean) || !std::isfinite(parameters.std))
    throw core::Error("CT normalization: invalid parameters (clip [" + std::to_string(parameters.clipLow) + ", " +
                      std::to_string(parameters.clipHigh) + "], mean " + std::to_string(parameters.mean) + ", std " +
                      std::to_string(parameters.std) + ")");
  const double scale = 1.0 / std::max(parameters.std, kMinStd);
  float* data = volume.channel(channel);
  const int64_t n = volume.geometry().voxelCount();
#pragma omp parallel for schedule(static)
  for (int64_t v = 0; v < n; ++v) {
    const double x = std::clamp<double>(data[v], parameters.clipLow, parameters.clipHigh);
    data[v] = static_cast<float>((x - parameters.mean) * scale);
  }
}

void normalizeZScore(core::Volume& volume, int channel, ZScoreRegion region) {
  checkChannel(volume, channel, "z-score normalization");
  const int64_t n = volume.geometry().voxelCount();
  float* data = volume.channel(channel);
  // The region: every voxel, this channel's non-zero ones (one channel: no mask
  // needed), or the voxels non-zero in any channel.
  std::vector<uint8_t> mask;
  if (region == ZScoreRegion::NonZero && volume.channels() > 1) {
    mask.assign(static_cast<size_t>(n), 0);
    uint8_t* m = mask.data();
    for (int c = 0; c < volume.channels(); ++c) {
      const float* d = volume.channel(c);
#pragma omp parallel for schedule(static)
      for (int64_t v = 0; v < n; ++v) m[v] |= d[v] != 0.0f;
    }
  }
  const bool whole = region == ZScoreRegion::WholeImage;
  const uint8_t* m = mask.empty() ? nullptr : mask.data();
  auto inside = [whole, m, data](int64_t v) { return whole || (m ? m[v] != 0 : data[v] != 0.0f); };

  // Two passes (mean, then squared deviations: no cancellation for large offsets such
  // as HU ~ -1000), each summed per block and the blocks added in order, so the result
  // does not depend on the thread count.
  const int64_t blocks = (n + kReductionBlock - 1) / kReductionBlock;
  std::vector<double> partial(static_cast<size_t>(blocks), 0.0);
  std::vector<int64_t> counts(static_cast<size_t>(blocks), 0);
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < blocks; ++b) {
    double sum = 0.0;
    int64_t count = 0;
    for (int64_t v = b * kReductionBlock, end = std::min(n, v + kReductionBlock); v < end; ++v)
      if (inside(v)) {
        sum += data[v];
        ++count;
      }
    partial[static_cast<size_t>(b)] = sum;
    counts[static_cast<size_t>(b)] = count;
  }
  double sum = 0.0;
  int64_t count = 0;
  for (int64_t b = 0; b < blocks; ++b) {
    sum += partial[static_cast<size_t>(b)];
    count += counts[static_cast<size_t>(b)];
  }
  if (count == 0) return;
  const double mean = sum / static_cast<double>(count);
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < blocks; ++b) {
    double squares = 0.0;
    for (int64_t v = b * kReductionBlock, end = std::min(n, v + kReductionBlock); v < end; ++v)
      if (inside(v)) squares += (data[v] - mean) * (data[v] - mean);
    partial[static_cast<size_t>(b)] = squares;
  }
  double squares = 0.0;
  for (const double p : partial) squares += p;
  const double scale = 1.0 / std::max(std::sqrt(squares / static_cast<double>(count)), kMinStd);
#pragma omp parallel for schedule(static)
  for (int64_t v = 0; v < n; ++v) data[v] = inside(v) ? static_cast<float>((data[v] - mean) * scale) : 0.0f;
}

void normalizeFixedRange(core::Volume& volume, int channel, double low, double high) {
  checkChannel(volume, channel, "fixed-range normalization");
  if (!(low < high) || !std::isfinite(low) || !std::isfinite(high))
    throw core::Error("fixed-range normalization: the range must satisfy low < high, got [" + std::to_string(low) + ", " +
                      std::to_string(high) + "]");
  float* data = volume.channel(channel);
  const int64_t n = volume.geometry().voxelCount();
  const double scale = 1.0 / (high - low);
  for (int64_t v = 0; v < n; ++v) data[v] = static_cast<float>((std::clamp<double>(data[v], low, high) - low) * scale);
}

std::vector<IntensityStatistics> computeForegroundStatistics(const std::vector<const core::Volume*>& images,
                                                             const std::vector<const core::LabelMap*>& labels,
                                                             const ForegroundStatisticsOptions& options) {
  if (images.size() != labels.size())
    throw core::Error("foreground statistics: " + std::to_string(images.size()) + " images but " +
                      std::to_string(labels.size()) + " label maps");
  if (images.empty()) throw core::Error("foreground statistics: no images given");
  std::mt19937_64 rng(options.seed);
  std::vector<std::vector<float>> pooled;
  for (size_t i = 0; i < images.size(); ++i) {
    const std::string name = "case " + std::to_string(i);
    if (!images[i] || !labels[i]) throw core::Error("foreground statistics: " + name + " is missing (null pointer)");
    addCase(*images[i], *labels[i], name + " image", name + " labels", options, rng, pooled);
  }
  return finish(pooled);
}

std::vector<IntensityStatistics> computeForegroundStatistics(size_t cases, const ForegroundCaseLoader& load,
                                                             const ForegroundStatisticsOptions& options) {
  if (cases == 0) throw core::Error("foreground statistics: no images given");
  std::mt19937_64 rng(options.seed);
  std::vector<std::vector<float>> pooled;
  for (size_t i = 0; i < cases; ++i) {
    const ForegroundCase c = load(i);
    addCase(c.image, c.labels, c.imageName, c.labelsName, options, rng, pooled);
  }
  return finish(pooled);
}

}  // namespace aunet::imaging
