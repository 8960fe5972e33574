#include "pipeline/PlanNormalization.h"

#include "imaging/IntensityNormalizer.h"
#include "core/Error.h"

namespace aunet::pipeline {

void applyPlanNormalization(core::Volume& volume, const model::IntensityNormalization& plan, const std::string& what) {
  if (plan.scheme == "none") return;
  if (plan.scheme == "zscore") {
    for (int c = 0; c < volume.channels(); ++c) imaging::normalizeZScore(volume, c, imaging::ZScoreRegion::NonZero);
    return;
  }
  if (plan.scheme == "ct") {
    auto pick = [&](const std::vector<double>& values, int c, const char* name) {
      if (values.size() == 1) return values[0];
      if (static_cast<int>(values.size()) != volume.channels())
        throw core::Error(what, std::string("the model's CT normalization has ") + std::to_string(values.size()) +
                                    " " + name + " value(s) for an image with " +
                                    std::to_string(volume.channels()) + " channel(s)");
      return values[static_cast<size_t>(c)];
    };
    for (int c = 0; c < volume.channels(); ++c) {
      imaging::CtNormalization ct;
      ct.clipLow = pick(plan.clip_low, c, "clip_low");
      ct.clipHigh = pick(plan.clip_high, c, "clip_high");
      ct.mean = pick(plan.mean, c, "mean");
      ct.std = pick(plan.std, c, "std");
      imaging::normalizeCt(volume, c, ct);
    }
    return;
  }
  throw core::Error(what, "unknown intensity normalization scheme '" + plan.scheme + "' in the model's plan");
}

}  // namespace aunet::pipeline
