#include "pipeline/IntensityRandomization.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional/upsampling.h>

#include <algorithm>
#include <cmath>

namespace aunet::pipeline {

namespace F = torch::nn::functional;

std::vector<double> randomIntensityCurve(IntensityCurveKind kind, int knots, std::mt19937_64& rng) {
  knots = std::max(2, knots);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> curve(static_cast<size_t>(knots));
  switch (kind) {
    case IntensityCurveKind::Inversion:
      for (int i = 0; i < knots; ++i) curve[static_cast<size_t>(i)] = 1.0 - double(i) / (knots - 1);
      break;
    case IntensityCurveKind::NonMonotone:
      for (double& v : curve) v = uniform(rng);
      break;
    case IntensityCurveKind::Monotone: {
      // Cumulative random steps (each at least a tenth of the mean step): strictly rising.
      double sum = 0.0;
      curve[0] = 0.0;
      for (int i = 1; i < knots; ++i) curve[static_cast<size_t>(i)] = sum += 0.1 + uniform(rng);
      for (double& v : curve) v /= sum;
      break;
    }
  }
  return curve;
}

torch::Tensor applyIntensityCurve(const torch::Tensor& channel, const std::vector<double>& curve, CurveKnots knots) {
  const torch::Tensor x = channel.to(torch::kFloat);
  const double lo = x.min().item<double>(), hi = x.max().item<double>();
  if (!(hi > lo) || curve.size() < 2) return channel.clone();
  const double mean = x.mean().item<double>(), sd = x.std(/*unbiased=*/false).item<double>();
  const int64_t count = static_cast<int64_t>(curve.size());
  const torch::Tensor values = torch::tensor(std::vector<float>(curve.begin(), curve.end()), x.options());
  torch::Tensor y;
  if (knots == CurveKnots::EvenlySpaced) {
    const int64_t segments = count - 1;
    const torch::Tensor u = (x - lo).div_(hi - lo).mul_(static_cast<double>(segments));
    const torch::Tensor index = u.floor().clamp_(0, static_cast<double>(segments - 1)).to(torch::kLong);
    const torch::Tensor t = u - index.to(torch::kFloat);
    y = values.index({index}) * (1 - t) + values.index({index + 1}) * t;
  } else {
    // Quantiles of about 8192 evenly strided voxels: knots within about 1 % of the
    // patch's own quantiles for a small fraction of a full sort (a 48^3 patch: 4.7 ms -> ~1 ms).
    const torch::Tensor flat = x.flatten();
    const int64_t stride = std::max<int64_t>(1, flat.numel() / 8192);
    torch::Tensor positions = torch::quantile(flat.slice(0, 0, flat.numel(), stride), torch::linspace(0, 1, count, x.options()));
    positions[0] = lo;
    positions[count - 1] = hi;
    // Segment i holds [positions[i], positions[i + 1]); knots that coincide (many voxels
    // of one value, e.g. air) leave empty segments, which the clamp makes harmless.
    const torch::Tensor index = torch::bucketize(x, positions.slice(0, 1, count - 1), false, /*right=*/true);
    const torch::Tensor left = positions.index({index}), width = positions.index({index + 1}) - left;
    const torch::Tensor t = ((x - left) / width.clamp_min(1e-12)).clamp_(0, 1);
    y = values.index({index}) * (1 - t) + values.index({index + 1}) * t;
  }
  const double yMean = y.mean().item<double>(), ySd = y.std(false).item<double>();
  if (!(ySd > 1e-12)) return torch::full_like(x, mean);
  return (y - yMean).mul_(sd / ySd).add_(mean);
}

torch::Tensor invertAboveBackground(const torch::Tensor& channel, double backgroundShare) {
  const torch::Tensor x = channel.to(torch::kFloat);
  const double lo = x.min().item<double>(), hi = x.max().item<double>();
  if (!(hi > lo)) return channel.clone();
  const double mean = x.mean().item<double>(), sd = x.std(/*unbiased=*/false).item<double>();
  const double threshold = lo + std::clamp(backgroundShare, 0.0, 1.0) * (hi - lo);
  const torch::Tensor y = torch::where(x < threshold, x, (hi + threshold) - x);
  const double yMean = y.mean().item<double>(), ySd = y.std(false).item<double>();
  if (!(ySd > 1e-12)) return torch::full_like(x, mean);
  return (y - yMean).mul_(sd / ySd).add_(mean);
}

torch::Tensor randomBiasField(const std::vector<int64_t>& shape, double maxChange, std::mt19937_64& rng,
                              const torch::TensorOptions& options) {
  const double bound = std::log1p(std::max(0.0, maxChange));
  std::vector<int64_t> coarse{1, 1};
  for (int64_t s : shape) coarse.push_back(std::min<int64_t>(4, std::max<int64_t>(1, s)));
  at::Generator g = at::detail::createCPUGenerator(rng());
  torch::Tensor logField = (torch::rand(coarse, g, torch::kFloat) * 2 - 1) * bound;
  auto interpolate = F::InterpolateFuncOptions().size(shape).align_corners(true);
  if (shape.size() == 3) interpolate.mode(torch::kTrilinear);
  else if (shape.size() == 2) interpolate.mode(torch::kBilinear);
  else interpolate.mode(torch::kLinear);
  return F::interpolate(logField, interpolate)[0][0].exp().to(options);
}

torch::Tensor applyBiasField(const torch::Tensor& channel, const torch::Tensor& field) {
  const double lo = channel.min().item<double>();
  return (channel - lo).mul_(field).add_(lo);
}

torch::Tensor simulateLowResolution(const torch::Tensor& image, const std::vector<double>& factors) {
  const std::vector<int64_t> shape(image.sizes().begin() + 1, image.sizes().end());
  std::vector<int64_t> low = shape;
  bool any = false;
  for (size_t a = 0; a < shape.size() && a < factors.size(); ++a)
    if (factors[a] > 1.0) {
      low[a] = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(static_cast<double>(shape[a]) / factors[a])));
      any = any || low[a] != shape[a];
    }
  if (!any) return image.clone();
  const torch::Tensor x = image.unsqueeze(0).to(torch::kFloat);
  const torch::Tensor down = F::interpolate(x, F::InterpolateFuncOptions().size(low).mode(torch::kArea));
  auto up = F::InterpolateFuncOptions().size(shape).align_corners(false);
  if (shape.size() == 3) up.mode(torch::kTrilinear);
  else up.mode(torch::kBilinear);
  return F::interpolate(down, up)[0].to(image.dtype());
}

}  // namespace aunet::pipeline
