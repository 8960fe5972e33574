#include "pipeline/ExperimentPlanner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/Error.h"
#include "core/Log.h"

namespace aunet::pipeline {

namespace {

// numpy.percentile's linear interpolation.
double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  if (values.empty()) return 0.0;
  const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(values.size() - 1, lo + 1);
  return values[lo] + (rank - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

}  // namespace

bool mixesContrastsOrSpacings(const io::NnUNetDataset& dataset, const DatasetFingerprint& fingerprint,
                              std::string* reason) {
  char text[200];
  for (size_t d = 0; d < 3; ++d) {
    double lo = 1e300, hi = 0.0;
    for (const auto& s : fingerprint.spacings) lo = std::min(lo, s[d]), hi = std::max(hi, s[d]);
    if (!fingerprint.spacings.empty() && lo > 0 && hi > 2.0 * lo) {
      std::snprintf(text, sizeof text, "spacings along axis %zu range from %.3g to %.3g mm", d, lo, hi);
      if (reason) *reason = text;
      return true;
    }
  }
  if (!dataset.isCtChannel(0) && fingerprint.foregroundContrast.size() > 1) {
    const auto [lo, hi] = std::minmax_element(fingerprint.foregroundContrast.begin(), fingerprint.foregroundContrast.end());
    if (*hi - *lo > 1.0) {
      std::snprintf(text, sizeof text, "foreground contrast (mean - image mean) / std ranges from %.2f to %.2f", *lo, *hi);
      if (reason) *reason = text;
      return true;
    }
  }
  if (reason) *reason = "cases share spacing and contrast";
  return false;
}

model::TrainingPlan planExperiment(const io::NnUNetDataset& dataset, const DatasetFingerprint& fingerprint,
                                   const PlannerOptions& options) {
  if (fingerprint.spacings.empty()) throw core::Error(dataset.root, "no training cases to plan from");
  model::TrainingPlan plan;
  plan.dataset = dataset.name;

  // Target spacing.
  std::vector<double> axis[3];
  for (const auto& s : fingerprint.spacings)
    for (int d = 0; d < 3; ++d) axis[d].push_back(s[static_cast<size_t>(d)]);
  const bool twoD = std::all_of(fingerprint.croppedSizes.begin(), fingerprint.croppedSizes.end(),
                                [](const core::Index3& s) { return s[2] == 1; });
  std::vector<double> target(3);
  for (int d = 0; d < 3; ++d) target[static_cast<size_t>(d)] = percentile(axis[d], 50.0);
  const int axes = twoD ? 2 : 3;
  const auto [minIt, maxIt] = std::minmax_element(target.begin(), target.begin() + axes);
  if (*maxIt / *minIt > 3.0) {
    const size_t lowRes = static_cast<size_t>(maxIt - target.begin());
    target[lowRes] = percentile(axis[lowRes], 10.0);
  }
  plan.spatial_dims = twoD ? 2 : 3;
  plan.preprocessing.target_spacing = target;

  // Median shape at the target spacing.
  std::vector<double> shape(3, 1.0);
  for (int d = 0; d < axes; ++d) {
    std::vector<double> sizes;
    for (size_t c = 0; c < fingerprint.croppedSizes.size(); ++c)
      sizes.push_back(static_cast<double>(fingerprint.croppedSizes[c][static_cast<size_t>(d)]) *
                      fingerprint.spacings[c][static_cast<size_t>(d)] / target[static_cast<size_t>(d)]);
    shape[static_cast<size_t>(d)] = std::max(1.0, std::round(percentile(sizes, 50.0)));
  }

  // Patch within the budget (uniform shrink keeps the aspect ratio).
  const double budget = static_cast<double>(twoD ? options.voxelBudget2d : options.voxelBudget3d);
  double voxels = 1.0;
  for (int d = 0; d < axes; ++d) voxels *= shape[static_cast<size_t>(d)];
  const double scale = voxels > budget ? std::pow(budget / voxels, 1.0 / axes) : 1.0;
  std::vector<int64_t> patch(3, 1);
  for (int d = 0; d < axes; ++d)
    patch[static_cast<size_t>(d)] = std::max<int64_t>(1, static_cast<int64_t>(std::floor(shape[static_cast<size_t>(d)] * scale)));
  const int64_t smallest = *std::min_element(patch.begin(), patch.begin() + axes);
  int levels = 2;
  while (levels < 5 && (smallest >> levels) >= 4) ++levels;  // smallest / 2^(levels-1) >= 4 after the step
  const int64_t divisor = int64_t{1} << (levels - 1);
  for (int d = 0; d < axes; ++d) {
    int64_t& p = patch[static_cast<size_t>(d)];
    p = (p + divisor - 1) / divisor * divisor;
  }
  plan.preprocessing.patch_size = patch;
  plan.network_channels.clear();
  for (int l = 0; l < levels; ++l)
    plan.network_channels.push_back(std::min<int64_t>(options.maxChannels, int64_t{options.baseChannels} << l));

  int64_t patchVoxels = 1;
  for (int d = 0; d < axes; ++d) patchVoxels *= patch[static_cast<size_t>(d)];
  plan.batch_size = twoD ? static_cast<int>(std::clamp<int64_t>(options.batchBudget2d / patchVoxels, 2, 32)) : 2;

  // Normalization.
  int ct = 0;
  for (int c = 0; c < fingerprint.channels; ++c) ct += dataset.isCtChannel(c) ? 1 : 0;
  if (ct > 0 && ct == fingerprint.channels) {
    plan.preprocessing.normalization.scheme = "ct";
    for (const auto& s : fingerprint.foreground) {
      if (s.count == 0) throw core::Error(dataset.root, "no foreground voxels to compute CT normalization from");
      plan.preprocessing.normalization.clip_low.push_back(s.percentile00_5);
      plan.preprocessing.normalization.clip_high.push_back(s.percentile99_5);
      plan.preprocessing.normalization.mean.push_back(s.mean);
      plan.preprocessing.normalization.std.push_back(s.std);
    }
  } else {
    if (ct > 0) core::log::warning(dataset.root + ": CT and non-CT channels mixed; every channel uses z-score");
    plan.preprocessing.normalization.scheme = "zscore";
  }

  std::string why;
  const bool mixed = mixesContrastsOrSpacings(dataset, fingerprint, &why);
  plan.augmentation = plan.augmentation.withIntensityRandomization(mixed);
  core::log::info(dataset.root + ": intensity randomization " + (mixed ? "on" : "off") + " (" + why + ")");
  plan.validate(dataset.root);
  return plan;
}

}  // namespace aunet::pipeline
