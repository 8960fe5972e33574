#include "model/SlidingWindowInferer.h"

#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>
#include <torch/nn/functional/upsampling.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "core/Cancelled.h"
#include "core/Error.h"
#include "model/SlidingWindowPlan.h"

namespace aunet::model {

namespace {

std::string join(const std::vector<int64_t>& v) {
  std::ostringstream out;
  for (size_t i = 0; i < v.size(); ++i) out << (i ? "x" : "") << v[i];
  return out.str();
}

// The [*patch] view of a [..., *S] tensor at `start` (spatial axes are the last ones).
torch::Tensor window(const torch::Tensor& t, const std::vector<int64_t>& start, const std::vector<int64_t>& patch) {
  torch::Tensor out = t;
  const int64_t first = t.dim() - static_cast<int64_t>(patch.size());
  for (size_t d = 0; d < patch.size(); ++d) out = out.narrow(first + static_cast<int64_t>(d), start[d], patch[d]);
  return out;
}

// Every non-empty subset of `axes`, as tensor dims of a [B, C, *S] batch.
std::vector<std::vector<int64_t>> mirrorCombinations(const std::vector<int64_t>& axes) {
  std::vector<std::vector<int64_t>> out;
  for (uint32_t mask = 1; mask < (1u << axes.size()); ++mask) {
    std::vector<int64_t> dims;
    for (size_t a = 0; a < axes.size(); ++a)
      if (mask & (1u << a)) dims.push_back(axes[a] + 2);
    out.push_back(std::move(dims));
  }
  return out;
}

}  // namespace

SlidingWindowInferer::SlidingWindowInferer(SlidingWindowOptions options) : options_(std::move(options)) {
  if (!(options_.overlap >= 0.0 && options_.overlap < 1.0))
    throw core::Error("sliding window: overlap must be in [0, 1), got " + std::to_string(options_.overlap));
  if (options_.batch < 1) throw core::Error("sliding window: batch must be at least 1, got " + std::to_string(options_.batch));
  if (options_.sizeDivisor < 1) throw core::Error("sliding window: size divisor must be at least 1");
  for (int64_t p : options_.patchSize)
    if (p < 1) throw core::Error("sliding window: patch sizes must be positive, got " + join(options_.patchSize));
  if (options_.mirrorAxes.size() > 3) throw core::Error("sliding window: at most 3 mirror axes");
}

SlidingWindowResult SlidingWindowInferer::run(const torch::Tensor& image, const Predictor& predictor,
                                              const core::ProgressCallback& progress,
                                              const core::CancellationToken* cancel) const {
  c10::InferenceMode inferenceMode;
  using Clock = std::chrono::steady_clock;
  if (!image.defined() || (image.dim() != 3 && image.dim() != 4))
    throw core::Error("sliding window: expected an image [C, H, W] or [C, D, H, W]");
  const int64_t dims = image.dim() - 1;
  const std::vector<int64_t> size(image.sizes().begin() + 1, image.sizes().end());

  std::vector<int64_t> patch = options_.patchSize;
  if (patch.empty()) {
    for (int64_t s : size) patch.push_back((s + options_.sizeDivisor - 1) / options_.sizeDivisor * options_.sizeDivisor);
  } else if (static_cast<int64_t>(patch.size()) != dims) {
    throw core::Error("sliding window: patch " + join(patch) + " has " + std::to_string(patch.size()) +
                      " axes, the image has " + std::to_string(dims));
  }
  std::vector<int64_t> axes = options_.mirrorAxes;
  if (axes.empty())
    for (int64_t d = 0; d < dims; ++d) axes.push_back(d);
  for (int64_t a : axes)
    if (a < 0 || a >= dims) throw core::Error("sliding window: mirror axis " + std::to_string(a) + " out of range");
  const std::vector<std::vector<int64_t>> mirrors =
      options_.mirror ? mirrorCombinations(axes) : std::vector<std::vector<int64_t>>{};

  // Zero padding (centred) where the image is smaller than the patch.
  std::vector<int64_t> padded(size), low(static_cast<size_t>(dims), 0);
  std::vector<int64_t> padSpec;  // constant_pad_nd lists the last axis first
  bool needsPad = false;
  for (int64_t d = dims - 1; d >= 0; --d) {
    const int64_t extra = std::max<int64_t>(0, patch[d] - size[d]);
    low[d] = extra / 2;
    padded[d] = size[d] + extra;
    padSpec.push_back(low[d]);
    padSpec.push_back(extra - low[d]);
    needsPad = needsPad || extra > 0;
  }
  const torch::Tensor input = needsPad ? torch::constant_pad_nd(image, padSpec, 0) : image;
  const auto device = image.device();
  const auto starts = slidingWindowStarts(padded, patch, options_.overlap);

  const std::vector<float> gaussianValues = gaussianImportanceMap(patch, options_.sigmaScale);
  const torch::Tensor gaussian =
      torch::from_blob(const_cast<float*>(gaussianValues.data()), patch, torch::kFloat32).to(device).clone();

  torch::Tensor sum;                      // [K, *padded], allocated once K is known
  std::vector<torch::Tensor> attentionSum;  // each [*padded]
  const auto floats = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  // The blend's denominator, the sum of the windows' maps at each voxel. Where the map
  // is a plain product of per-axis profiles (none of its zeros was replaced) it is the
  // product of per-axis coverages (SlidingWindowPlan.h): no image-sized weight map
  // (315 MB for a 512x512x300 CT) and no per-window addition into it.
  bool separable = true;
  for (int64_t d = 0; d < dims; ++d) {
    const std::vector<double> profile = gaussianProfile(patch[d], options_.sigmaScale);
    separable = separable && std::none_of(profile.begin(), profile.end(), [](double w) { return w == 0.0; });
  }
  std::vector<std::vector<double>> coverage;  // per axis, when separable
  torch::Tensor weight;                       // [*padded], otherwise
  if (separable)
    for (int64_t d = 0; d < dims; ++d)
      coverage.push_back(gaussianCoverage(padded[d], patch[d], options_.overlap, options_.sigmaScale));
  else
    weight = torch::zeros(padded, floats);

  SlidingWindowResult result;
  result.windows = static_cast<int64_t>(starts.size());
  const auto total = static_cast<int64_t>(starts.size());
  const bool timeCuda = device.is_cuda();

  // One forward pass, its logits turned into what is blended, its attention maps
  // resized to the patch.
  auto predict = [&](const torch::Tensor& batch, torch::Tensor& blended, std::vector<torch::Tensor>& alpha) {
    const auto t0 = Clock::now();
    PredictorOutput out = predictor(batch);
    if (timeCuda) torch::cuda::synchronize();
    result.networkSeconds += std::chrono::duration<double>(Clock::now() - t0).count();
    ++result.forwardPasses;
    if (!out.logits.defined() || out.logits.dim() != batch.dim() || out.logits.size(0) != batch.size(0) ||
        !std::equal(out.logits.sizes().begin() + 2, out.logits.sizes().end(), batch.sizes().begin() + 2))
      throw core::Error("sliding window: the network returned logits of the wrong shape for a " + join(patch) +
                        " patch");
    blended = options_.softmax ? torch::softmax(out.logits.to(torch::kFloat32), 1) : out.logits.to(torch::kFloat32);
    alpha.clear();
    if (options_.withAttention)
      for (const torch::Tensor& a : out.attention) {
        namespace F = torch::nn::functional;
        F::InterpolateFuncOptions::mode_t mode = torch::kBilinear;
        if (dims == 3) mode = torch::kTrilinear;
        alpha.push_back(F::interpolate(a.to(torch::kFloat32),
                                       F::InterpolateFuncOptions().size(patch).mode(mode).align_corners(false)));
      }
  };

  for (int64_t first = 0; first < total; first += options_.batch) {
    if (cancel && cancel->cancelled()) throw core::Cancelled();
    const int64_t count = std::min<int64_t>(options_.batch, total - first);
    std::vector<torch::Tensor> pieces;
    for (int64_t w = first; w < first + count; ++w) pieces.push_back(window(input, starts[w], patch));
    const torch::Tensor batch = torch::stack(pieces);

    torch::Tensor blended;
    std::vector<torch::Tensor> alpha;
    predict(batch, blended, alpha);
    for (const auto& flipDims : mirrors) {
      if (cancel && cancel->cancelled()) throw core::Cancelled();
      torch::Tensor mirroredBlend;
      std::vector<torch::Tensor> mirroredAlpha;
      predict(batch.flip(flipDims), mirroredBlend, mirroredAlpha);
      blended.add_(mirroredBlend.flip(flipDims));
      for (size_t a = 0; a < alpha.size() && a < mirroredAlpha.size(); ++a) alpha[a].add_(mirroredAlpha[a].flip(flipDims));
    }
    if (!mirrors.empty()) {
      const double n = 1.0 + static_cast<double>(mirrors.size());
      blended.div_(n);
      for (auto& a : alpha) a.div_(n);
    }

    if (!sum.defined()) {
      std::vector<int64_t> shape{blended.size(1)};
      shape.insert(shape.end(), padded.begin(), padded.end());
      sum = torch::zeros(shape, floats);
      for (size_t a = 0; a < alpha.size(); ++a) attentionSum.push_back(torch::zeros(padded, floats));
    }
    if (alpha.size() != attentionSum.size())
      throw core::Error("sliding window: the network returned a varying number of attention maps");
    for (int64_t b = 0; b < count; ++b) {
      const auto& start = starts[first + b];
      window(sum, start, patch).addcmul_(blended[b], gaussian);  // no temporary product
      if (weight.defined()) window(weight, start, patch).add_(gaussian);
      for (size_t a = 0; a < alpha.size(); ++a) window(attentionSum[a], start, patch).addcmul_(alpha[a][b][0], gaussian);
    }
    if (progress) progress(static_cast<double>(first + count) / static_cast<double>(total), "inference");
  }

  // Every voxel lies in at least one window, and no Gaussian weight is 0.
  torch::Tensor plane;  // the last two axes' coverage product, in double, on the device
  if (separable) {
    const auto doubles = torch::TensorOptions().dtype(torch::kFloat64);
    plane = torch::outer(torch::tensor(coverage[dims - 2], doubles), torch::tensor(coverage[dims - 1], doubles))
                .to(device);
  }
  auto normalize = [&](torch::Tensor& t) {  // t: [..., *padded]
    if (!separable) {
      t.div_(weight);
    } else if (dims == 2) {
      t.div_(plane.to(torch::kFloat32));
    } else {  // one slice of the first spatial axis at a time: no [*padded] denominator
      const int64_t axis = t.dim() - 3;
      for (int64_t z = 0; z < padded[0]; ++z) t.select(axis, z).div_((plane * coverage[0][z]).to(torch::kFloat32));
    }
  };
  auto cropped = [&](const torch::Tensor& t) {
    return needsPad ? window(t, low, size) : t;
  };
  normalize(sum);
  result.probabilities = cropped(sum).contiguous();
  for (auto& a : attentionSum) {
    normalize(a);
    result.attention.push_back(cropped(a).contiguous());
  }
  return result;
}

}  // namespace aunet::model
