#include "pipeline/TrainingAugmenter.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional/conv.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/nn/functional/vision.h>

#include <algorithm>
#include <cmath>

#include "pipeline/IntensityRandomization.h"

namespace aunet::pipeline {

namespace {

namespace F = torch::nn::functional;

double uniform(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
bool chance(std::mt19937_64& rng, double p) { return p > 0 && uniform(rng, 0.0, 1.0) < p; }

using Matrix = std::vector<double>;  // n x n row-major

Matrix identity(size_t n) {
  Matrix m(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) m[i * n + i] = 1.0;
  return m;
}

Matrix multiply(const Matrix& a, const Matrix& b, size_t n) {
  Matrix c(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < n; ++k)
      for (size_t j = 0; j < n; ++j) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
}

// Rotation by `angle` in the plane of axes (p, q).
Matrix planeRotation(size_t n, size_t p, size_t q, double angle) {
  Matrix r = identity(n);
  r[p * n + p] = std::cos(angle);
  r[p * n + q] = -std::sin(angle);
  r[q * n + p] = std::sin(angle);
  r[q * n + q] = std::cos(angle);
  return r;
}

// A CPU generator seeded from the sample's generator, for random tensors.
at::Generator tensorGenerator(std::mt19937_64& rng) { return at::detail::createCPUGenerator(rng()); }

// Separable Gaussian blur of [C, *S] along every spatial axis.
torch::Tensor gaussianBlur(const torch::Tensor& image, double sigma) {
  const int64_t radius = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(3.0 * sigma)));
  torch::Tensor k = torch::arange(-radius, radius + 1, image.options()).pow(2).div(-2.0 * sigma * sigma).exp();
  k = k / k.sum();
  const int64_t channels = image.size(0);
  const int64_t dims = image.dim() - 1;
  torch::Tensor x = image.unsqueeze(0);
  for (int64_t a = 0; a < dims; ++a) {
    std::vector<int64_t> shape{channels, 1};
    for (int64_t b = 0; b < dims; ++b) shape.push_back(b == a ? 2 * radius + 1 : 1);
    const torch::Tensor w = k.view(shape);
    // Replicated borders: zero padding would darken the patch's edges.
    std::vector<int64_t> pad;  // last axis first
    for (int64_t b = dims - 1; b >= 0; --b) {
      pad.push_back(b == a ? radius : 0);
      pad.push_back(b == a ? radius : 0);
    }
    const torch::Tensor padded = F::pad(x, F::PadFuncOptions(pad).mode(torch::kReplicate));
    x = dims == 3 ? F::conv3d(padded, w, F::Conv3dFuncOptions().groups(channels))
                  : F::conv2d(padded, w, F::Conv2dFuncOptions().groups(channels));
  }
  return x.squeeze(0);
}

}  // namespace

TrainingAugmenter::TrainingAugmenter(model::AugmentationPlan plan, std::vector<int64_t> patch, std::vector<double> spacing)
    : plan_(plan), patch_(std::move(patch)), spacing_(std::move(spacing)), dims_(static_cast<int>(patch_.size())) {
  if (spacing_.size() != patch_.size()) spacing_.assign(patch_.size(), 1.0);
  const auto [lo, hi] = std::minmax_element(spacing_.begin(), spacing_.end());
  anisotropic_ = dims_ == 3 && *hi > 3.0 * *lo;
  lowResAxis_ = static_cast<size_t>(hi - spacing_.begin());
}

SpatialTransform TrainingAugmenter::drawSpatial(std::mt19937_64& rng) const {
  SpatialTransform t;
  const size_t n = static_cast<size_t>(dims_);
  const bool rotate = chance(rng, plan_.rotation);
  const bool scale = chance(rng, plan_.scaling);
  const bool deform = chance(rng, plan_.deformation) && plan_.deformation_voxels > 0;
  if (!rotate && !scale && !deform) return t;
  t.active = true;
  Matrix m = identity(n);
  if (rotate) {
    const double maxAngle = plan_.max_rotation_degrees * M_PI / 180.0;
    // Physical rotation R becomes diag(1/spacing) R diag(spacing) in voxels.
    Matrix r = identity(n);
    for (size_t p = 0; p < n; ++p)
      for (size_t q = p + 1; q < n; ++q) {
        // On anisotropic data rotate only within the plane orthogonal to the coarse axis.
        if (anisotropic_ && (p == lowResAxis_ || q == lowResAxis_)) continue;
        r = multiply(r, planeRotation(n, p, q, uniform(rng, -maxAngle, maxAngle)), n);
      }
    Matrix toVoxels = identity(n), toMm = identity(n);
    for (size_t i = 0; i < n; ++i) toVoxels[i * n + i] = 1.0 / spacing_[i], toMm[i * n + i] = spacing_[i];
    m = multiply(toVoxels, multiply(r, toMm, n), n);
  }
  if (scale) {
    const double s = uniform(rng, plan_.scale_min, plan_.scale_max);
    for (double& v : m) v *= s;  // s > 1 samples a larger region: structures shrink
  }
  t.matrix = m;
  if (deform) {
    // Random displacements on a coarse grid (5 points per axis), upsampled smoothly.
    std::vector<int64_t> coarse{1, dims_};
    for (int a = 0; a < dims_; ++a) coarse.push_back(5);
    at::Generator g = tensorGenerator(rng);
    torch::Tensor field = (torch::rand(coarse, g, torch::kFloat) * 2 - 1) * plan_.deformation_voxels;
    auto options = F::InterpolateFuncOptions().size(patch_).align_corners(true);
    if (dims_ == 3) options.mode(torch::kTrilinear);
    else options.mode(torch::kBilinear);
    t.displacement = F::interpolate(field, options)[0];
  }
  return t;
}

void TrainingAugmenter::resample(const torch::Tensor& image, const torch::Tensor& labels,
                                 const std::vector<double>& centre, const SpatialTransform& t, torch::Tensor imageOut,
                                 torch::Tensor labelOut) const {
  const size_t n = static_cast<size_t>(dims_);
  const auto opts = image.options().dtype(torch::kFloat);
  // Source coordinates of every output voxel: centre + M * offset (+ displacement).
  std::vector<torch::Tensor> axes;
  for (size_t a = 0; a < n; ++a)
    axes.push_back(torch::arange(patch_[a], opts) - (static_cast<double>(patch_[a]) - 1.0) / 2.0);
  const std::vector<torch::Tensor> offsets = torch::meshgrid(axes, "ij");
  std::vector<torch::Tensor> source(n);
  for (size_t i = 0; i < n; ++i) {
    torch::Tensor s = torch::full_like(offsets[0], centre[i]);
    for (size_t j = 0; j < n; ++j)
      if (t.matrix[i * n + j] != 0.0) s.add_(offsets[j], t.matrix[i * n + j]);
    if (t.displacement.defined()) s.add_(t.displacement[static_cast<int64_t>(i)].to(image.device()));
    source[i] = s;
  }
  // Only the region the patch can reach (its corners' bounding box, plus the
  // displacement and one voxel for interpolation) is converted and resampled.
  const double margin = (t.displacement.defined() ? plan_.deformation_voxels : 0.0) + 1.0;
  std::vector<int64_t> begin(n), end(n);
  bool empty = false;
  for (size_t i = 0; i < n; ++i) {
    double reach = 0.0;
    for (size_t j = 0; j < n; ++j) reach += std::abs(t.matrix[i * n + j]) * (static_cast<double>(patch_[j]) - 1.0) / 2.0;
    const int64_t size = image.size(static_cast<int64_t>(i) + 1);
    begin[i] = std::max<int64_t>(0, static_cast<int64_t>(std::floor(centre[i] - reach - margin)));
    end[i] = std::min<int64_t>(size, static_cast<int64_t>(std::ceil(centre[i] + reach + margin)) + 1);
    if (end[i] <= begin[i]) empty = true;
  }
  if (empty) {
    imageOut.zero_();
    labelOut.zero_();
    return;
  }
  torch::Tensor region = image, regionLabels = labels;
  for (size_t i = 0; i < n; ++i) {
    region = region.narrow(static_cast<int64_t>(i) + 1, begin[i], end[i] - begin[i]);
    regionLabels = regionLabels.narrow(static_cast<int64_t>(i), begin[i], end[i] - begin[i]);
  }
  // grid_sample's normalized coordinates (align_corners = false), last axis x, y[, z].
  std::vector<torch::Tensor> normalized;
  for (size_t i = n; i-- > 0;) {
    const double size = static_cast<double>(end[i] - begin[i]);
    normalized.push_back((source[i] - static_cast<double>(begin[i])).mul_(2.0 / size).add_(1.0 / size - 1.0));
  }
  const torch::Tensor grid = torch::stack(normalized, -1).unsqueeze(0);
  auto linear = F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false);
  auto nearest = F::GridSampleFuncOptions().mode(torch::kNearest).padding_mode(torch::kZeros).align_corners(false);
  imageOut.copy_(F::grid_sample(region.unsqueeze(0).to(torch::kFloat), grid, linear)[0]);
  labelOut.copy_(F::grid_sample(regionLabels.unsqueeze(0).unsqueeze(0).to(torch::kFloat), grid, nearest)[0][0]);
}

void TrainingAugmenter::randomizeChannel(torch::Tensor image, int64_t c, double remap, double bias, double lowRes,
                                         std::mt19937_64& rng) const {
  if (chance(rng, remap)) {
    const IntensityCurveKind kind = chance(rng, plan_.remap_inversion)     ? IntensityCurveKind::Inversion
                                    : chance(rng, plan_.remap_non_monotone) ? IntensityCurveKind::NonMonotone
                                                                            : IntensityCurveKind::Monotone;
    // Inversions: half of them one straight line, half keep the darkest seventh of the
    // range (air) dark, as real sequences do. The other curves bend at the channel's
    // quantiles (8 knots: 7 equal shares of the voxels), so tissues close in brightness part.
    if (kind == IntensityCurveKind::Inversion && chance(rng, 0.5))
      image[c].copy_(applyIntensityCurve(image[c], randomIntensityCurve(kind, 2, rng)));
    else if (kind == IntensityCurveKind::Inversion)
      image[c].copy_(invertAboveBackground(image[c]));
    else
      image[c].copy_(applyIntensityCurve(image[c], randomIntensityCurve(kind, 8, rng), CurveKnots::Quantiles));
  }
  if (chance(rng, bias))
    image[c].copy_(applyBiasField(image[c], randomBiasField(patch_, plan_.bias_field_max, rng, image.options())));
  if (chance(rng, lowRes)) {
    // Each axis with p 0.5 (at least one): thick slices along one, low resolution along several.
    std::vector<double> factors(patch_.size(), 1.0);
    bool any = false;
    for (double& f : factors)
      if (chance(rng, 0.5)) f = uniform(rng, 1.5, plan_.low_resolution_max_factor), any = true;
    if (!any)
      factors[std::uniform_int_distribution<size_t>(0, factors.size() - 1)(rng)] =
          uniform(rng, 1.5, plan_.low_resolution_max_factor);
    image[c].copy_(simulateLowResolution(image[c].unsqueeze(0), factors)[0]);
  }
}

void TrainingAugmenter::synthesize(const torch::Tensor& generation, int64_t count, torch::Tensor imageOut,
                                   std::mt19937_64& rng) const {
  const torch::Tensor index = generation.clamp(0, std::max<int64_t>(0, count - 1));
  for (int64_t c = 0; c < imageOut.size(0); ++c) {
    at::Generator g = tensorGenerator(rng);
    const torch::Tensor means = torch::rand({count}, g, torch::kFloat).to(imageOut.device());
    const torch::Tensor spreads = (torch::rand({count}, g, torch::kFloat) * 0.1).to(imageOut.device());
    const torch::Tensor noise = torch::randn(generation.sizes(), g, torch::kFloat).to(imageOut.device());
    imageOut[c].copy_(means.index({index}) + spreads.index({index}) * noise);
  }
  // Partial volume (blur), then the scanner: resolution, bias field, noise.
  imageOut.copy_(gaussianBlur(imageOut, uniform(rng, 0.3, 1.0)));
  for (int64_t c = 0; c < imageOut.size(0); ++c) randomizeChannel(imageOut, c, 0.0, 0.5, 0.5, rng);
  {
    at::Generator g = tensorGenerator(rng);
    imageOut.add_(torch::randn(imageOut.sizes(), g, torch::kFloat).to(imageOut.device()), uniform(rng, 0.0, 0.05));
  }
  for (int64_t c = 0; c < imageOut.size(0); ++c) {
    torch::Tensor x = imageOut[c];
    const double mean = x.mean().item<double>(), sd = x.std(false).item<double>();
    x.sub_(mean).div_(std::max(sd, 1e-6));
  }
}

void TrainingAugmenter::applyIntensityAndMirror(torch::Tensor image, torch::Tensor labels, std::mt19937_64& rng) const {
  if (plan_.intensityRandomization())
    for (int64_t c = 0; c < image.size(0); ++c)
      randomizeChannel(image, c, plan_.intensity_remap, plan_.bias_field, plan_.low_resolution, rng);
  if (chance(rng, plan_.noise)) {
    const double sd = std::sqrt(uniform(rng, 0.0, 0.1));
    at::Generator g = tensorGenerator(rng);
    image.add_(torch::randn(image.sizes(), g, torch::kFloat).to(image.device()), sd);
  }
  if (chance(rng, plan_.blur)) image.copy_(gaussianBlur(image, uniform(rng, 0.5, 1.0)));
  if (chance(rng, plan_.brightness)) image.mul_(uniform(rng, 0.75, 1.25));
  if (chance(rng, plan_.contrast)) {
    const double factor = uniform(rng, 0.75, 1.25);
    const torch::Tensor mean = image.mean();
    const double lo = image.min().item<double>(), hi = image.max().item<double>();
    image.sub_(mean).mul_(factor).add_(mean).clamp_(lo, hi);
  }
  if (chance(rng, plan_.gamma)) {
    // Half the draws brighten (gamma < 1), half darken, as nnU-Net's gamma transform.
    const double gamma = uniform(rng, 0.0, 1.0) < 0.5 ? uniform(rng, 0.7, 1.0) : uniform(rng, 1.0, 1.5);
    const double lo = image.min().item<double>(), hi = image.max().item<double>();
    if (hi > lo) image.sub_(lo).div_(hi - lo).pow_(gamma).mul_(hi - lo).add_(lo);
  }
  std::vector<int64_t> flips;
  for (int a = 0; a < dims_; ++a)
    if (chance(rng, plan_.mirror)) flips.push_back(a);
  if (!flips.empty()) {
    labels.copy_(labels.flip(flips));
    for (int64_t& f : flips) ++f;  // image axes follow the channel axis
    image.copy_(image.flip(flips));
  }
}

}  // namespace aunet::pipeline
