#include "pipeline/SegmentationPipeline.h"

#include <ATen/Context.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <chrono>
#include <mutex>
#include <new>
#include <sstream>

#include "imaging/ColourLuminance.h"
#include "imaging/ModelSpace.h"
#include "pipeline/ModelInput.h"
#include "imaging/IntensityNormalizer.h"
#include "imaging/LabelPostprocessing.h"
#include "imaging/Reorientation.h"
#include "core/Cancelled.h"
#include "core/Error.h"
#include "core/Log.h"
#include "model/DeviceSelection.h"
#include "model/MixedPrecision.h"
#include "model/ModelFile.h"
#include "model/SlidingWindowInferer.h"
#include "model/VolumeTensor.h"

namespace aunet::pipeline {

namespace {

using Clock = std::chrono::steady_clock;

// Above this many floats (1 GiB) the probabilities are not resampled onto the input
// grid for the argmax; the labels are argmaxed on the model grid and mapped by
// nearest neighbour instead (many classes on a large CT would not fit in memory).
constexpr int64_t kMaxResampledProbabilityValues = int64_t{1} << 28;

std::string firstLine(const std::string& message) {
  const auto pos = message.find('\n');
  return pos == std::string::npos ? message : message.substr(0, pos);
}

std::vector<core::Volume> splitChannels(const core::Volume& volume) {
  std::vector<core::Volume> out;
  const int64_t n = volume.geometry().voxelCount();
  for (int c = 0; c < volume.channels(); ++c) {
    core::Volume one(volume.geometry(), 1, core::PixelType::Float32);
    std::copy(volume.channel(c), volume.channel(c) + n, one.data());
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace

struct SegmentationPipeline::Impl {
  std::string path;
  model::LoadedModel model;
  torch::Device device{torch::kCPU};
  std::mutex mutex;  // one segmentation at a time: the network is not re-entrant
};

SegmentationPipeline::SegmentationPipeline(const std::string& modelPath) : impl_(std::make_unique<Impl>()) {
  impl_->path = modelPath;
  impl_->model = model::ModelFile::load(modelPath, torch::kCPU);
  impl_->model.network->eval();
}

SegmentationPipeline::~SegmentationPipeline() = default;

const model::ModelMetadata& SegmentationPipeline::metadata() const { return impl_->model.metadata; }
int SegmentationPipeline::inputChannels() const {
  return static_cast<int>(impl_->model.network->options().in_channels());
}
int SegmentationPipeline::spatialDims() const {
  return static_cast<int>(impl_->model.network->options().spatial_dims());
}
int SegmentationPipeline::numClasses() const {
  return static_cast<int>(impl_->model.network->options().num_classes());
}
uint64_t SegmentationPipeline::estimateMemoryBytes(const core::Geometry& grid, int channels,
                                                   const model::SegmentationSettings& settings) const {
  const auto& options = impl_->model.network->options();
  const auto& plan = impl_->model.metadata.plan;
  const int dims = spatialDims();
  const double f = sizeof(float);
  const double classes = static_cast<double>(options.num_classes());
  const double c = std::max(1, channels);
  // Voxels on the model grid and padded to one patch: the same ModelSpace the run uses.
  const imaging::ModelSpace space(grid, imaging::ModelGridPlan::of(plan, dims));
  const double modelVoxels = static_cast<double>(space.grid().voxelCount());
  const double paddedVoxels = static_cast<double>(space.paddedVoxelCount());
  double patchVoxels = 1.0;
  for (int d = 0; d < dims && d < static_cast<int>(plan.patch_size.size()); ++d)
    patchVoxels *= static_cast<double>(std::max<int64_t>(1, plan.patch_size[static_cast<size_t>(d)]));
  if (plan.patch_size.empty()) patchVoxels = modelVoxels;
  const double inputVoxels = static_cast<double>(std::max<int64_t>(1, grid.voxelCount()));
  const double gates = settings.withAttention ? static_cast<double>(options.gated_levels().size()) : 0.0;

  // Activations of one forward pass: every level keeps about ten tensors of its width
  // (convolutions, normalization, activation, skip, gate, decoder), at 1/2^dims of
  // the previous level's voxels.
  double activations = 0.0;
  double levelVoxels = patchVoxels;
  for (const int64_t width : options.channels()) {
    activations += 10.0 * static_cast<double>(width) * levelVoxels;
    levelVoxels /= dims == 2 ? 4.0 : 8.0;
  }
  activations *= f * settings.batch * (settings.testTimeAugmentation ? 2.0 : 1.0);

  const double preprocessing = c * inputVoxels * f + 2.0 * c * modelVoxels * f;
  const double inference = c * paddedVoxels * f + (classes + 1.0 + gates) * paddedVoxels * f + activations;
  double postprocessing = classes * paddedVoxels * f + classes * modelVoxels * f + classes * inputVoxels * f +
                          inputVoxels * 3.0 * sizeof(uint16_t) +
                          gates * (2.0 * modelVoxels + inputVoxels) * f;
  if (settings.withProbabilities) postprocessing += classes * inputVoxels * f;  // the writer's interleaved copy
  const double peak = std::max({preprocessing, inference, postprocessing});
  return peak >= 1.8e19 ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(peak);
}

std::string SegmentationPipeline::deviceDescription() const { return model::describeDevice(impl_->device); }

model::SegmentationResult SegmentationPipeline::segment(const core::Volume& image,
                                                        const model::SegmentationSettings& settings,
                                                        const core::ProgressCallback& progress,
                                                        const core::CancellationToken* cancel) {
  // Colour (a colour DICOM read as R, G, B) for a model of one grey channel: its
  // luminance, said once per image.
  if (image.channels() == 3 && inputChannels() == 1 &&
      imaging::isColourPhotometric(image.metadata().photometricInterpretation)) {
    core::log::warning((image.metadata().sourcePath.empty() ? std::string("image") : image.metadata().sourcePath) +
                       ": a colour image (" + image.metadata().photometricInterpretation +
                       ") for a one-channel model: segmenting its luminance (0.299 R + 0.587 G + 0.114 B)");
    return segment(imaging::luminance(image), settings, progress, cancel);
  }
  std::lock_guard<std::mutex> lock(impl_->mutex);
  const auto start = Clock::now();
  const std::string what = image.metadata().sourcePath.empty() ? std::string("image") : image.metadata().sourcePath;
  auto report = [&](double fraction, const std::string& stage) {
    if (progress) progress(std::clamp(fraction, 0.0, 1.0), stage);
  };
  auto checkCancel = [&] {
    if (cancel && cancel->cancelled()) throw core::Cancelled();
  };

  auto& network = impl_->model.network;
  const auto& plan = impl_->model.metadata.plan;
  const int dims = spatialDims();
  const core::Geometry& inputGrid = image.geometry();

  if (image.empty()) throw core::Error(what, "empty image");
  if (image.channels() != inputChannels()) {
    const core::VolumeMetadata& m = image.metadata();
    if (m.volumeCount > 1) {
      // A 4D file: name its 4th axis, which is time when the header says so (fMRI, DWI).
      std::string axis = std::to_string(m.volumeCount) + " volumes along its 4th axis";
      if (m.secondsPerVolume > 0.0) {
        std::ostringstream step;
        step << m.secondsPerVolume;
        axis += " (time, " + step.str() + " s apart)";
      }
      throw core::Error(what, "is a 4D image of " + axis + ", but the model expects " +
                                  std::to_string(inputChannels()) + " channel(s)" +
                                  (inputChannels() == 1 ? "; pick one volume with `aunet convert --volume K`" : ""));
    }
    throw core::Error(what, "has " + std::to_string(image.channels()) + " channel(s), the model expects " +
                                std::to_string(inputChannels()));
  }
  if (dims == 2 && inputGrid.size[2] != 1)
    throw core::Error(what, "the model is 2D and needs a single-slice image, got " +
                                std::to_string(inputGrid.size[2]) + " slices");

  try {
    const torch::Device device = model::selectDevice(settings.device);
    if (device != impl_->device) {  // outside inference mode: parameters stay normal tensors
      network->to(device);
      impl_->device = device;
    }
    // Validated before any work: an fp16 request on the CPU fails here.
    const torch::ScalarType precision = model::resolveInferencePrecision(settings.precision, device);
    // Every window has the same shape: let cuDNN time its algorithms once and keep the fastest.
    if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);
    c10::InferenceMode inferenceMode;
    report(0.0, "preprocessing");
    auto stageStart = Clock::now();
    auto endStage = [&stageStart](double& seconds) {
      const auto now = Clock::now();
      seconds = std::chrono::duration<double>(now - stageStart).count();
      stageStart = now;
    };
    model::SegmentationResult result;

    // 1-3. The model's grid (the plan's orientation, then its spacing) and intensities.
    const imaging::ModelSpace space(inputGrid, imaging::ModelGridPlan::of(plan, dims));
    core::Volume work = modelInput(image, space, plan.normalization, what);
    checkCancel();
    const core::Geometry modelGrid = work.geometry();
    // Pinned host memory: the copy to the GPU runs at full PCIe/NVLink speed.
    torch::Tensor input = model::volumeToTensor(std::move(work), dims)[0];  // the tensor takes the voxels
    input = device.is_cuda() ? input.pin_memory().to(device, /*non_blocking=*/true) : input.to(device);
    report(0.05, "preprocessing");
    endStage(result.preprocessingSeconds);

    // 4. Sliding-window inference.
    model::SlidingWindowOptions windowOptions;
    if (!plan.patch_size.empty()) {
      if (static_cast<int>(plan.patch_size.size()) < dims)
        throw core::Error(impl_->path, "the model's patch size has " + std::to_string(plan.patch_size.size()) +
                                           " axes, a " + std::to_string(dims) + "D network needs " +
                                           std::to_string(dims));
      for (int d = dims - 1; d >= 0; --d) windowOptions.patchSize.push_back(plan.patch_size[static_cast<size_t>(d)]);
    }
    windowOptions.sizeDivisor = network->options().size_divisor();
    windowOptions.overlap = settings.overlap;
    windowOptions.batch = settings.batch;
    windowOptions.mirror = settings.testTimeAugmentation;
    windowOptions.withAttention = settings.withAttention;
    std::vector<int64_t> attentionLevels;
    const model::Predictor predictor = [&](const torch::Tensor& batch) {
      const model::AutocastGuard autocast(device, precision);
      if (!settings.withAttention) return model::PredictorOutput{network->forward(batch), {}};
      model::AttentionUNetOutput out = network->forward_all(batch, true, false);
      attentionLevels = out.attention_levels;
      return model::PredictorOutput{out.logits, out.attention};
    };
    model::SlidingWindowResult inferred = model::SlidingWindowInferer(windowOptions)
                                              .run(input, predictor,
                                                   [&](double f, const std::string& stage) { report(0.05 + 0.85 * f, stage); },
                                                   cancel);
    input = torch::Tensor();
    endStage(result.inferenceSeconds);
    checkCancel();
    report(0.9, "postprocessing");

    // 5. Back onto the input grid.
    const bool sameGrid = !space.reorients() && !space.resamples();
    const int64_t classes = inferred.probabilities.size(0);
    // Class index -> label value written in the mask.
    const auto& labelInfo = impl_->model.metadata.labels;
    std::vector<uint16_t> valueOf(static_cast<size_t>(classes));
    for (int64_t k = 0; k < classes; ++k)
      valueOf[k] = static_cast<size_t>(classes) == labelInfo.size() ? static_cast<uint16_t>(labelInfo[k].value)
                                                                     : static_cast<uint16_t>(k);

    const bool viaProbabilities = sameGrid || settings.withProbabilities ||
                                  classes * inputGrid.voxelCount() <= kMaxResampledProbabilityValues;
    if (sameGrid) {
      result.labels = model::labelMapFromScores(inferred.probabilities, inputGrid);
      if (settings.withProbabilities) result.probabilities = model::volumeFromTensor(inferred.probabilities, inputGrid);
    } else if (viaProbabilities) {
      // Linear interpolation of the probabilities, then argmax: smoother borders
      // than nearest-neighbour labels when the model's spacing is coarser.
      core::Volume onInput = space.toInput(model::volumeFromTensor(inferred.probabilities, modelGrid));
      inferred.probabilities = torch::Tensor();
      const torch::Tensor p = torch::from_blob(onInput.data(), {classes, inputGrid.voxelCount()}, torch::kFloat32);
      result.labels = model::labelMapFromScores(p, inputGrid);
      if (settings.withProbabilities) result.probabilities = std::move(onInput);
    } else {
      result.labels = space.toInput(model::labelMapFromScores(inferred.probabilities, modelGrid));
    }
    inferred.probabilities = torch::Tensor();
    for (uint16_t& v : result.labels.labels()) v = valueOf[v];
    result.labels.metadata() = image.metadata();

    if (settings.postprocess && !plan.keep_largest_component.empty())
      result.labels = imaging::keepLargestComponent(result.labels, plan.keep_largest_component);

    if (settings.withAttention && !inferred.attention.empty()) {
      const torch::Tensor stacked = torch::stack(inferred.attention);
      inferred.attention.clear();
      result.attention = splitChannels(space.toInput(model::volumeFromTensor(stacked, modelGrid)));
      for (auto& a : result.attention)  // linear interpolation stays in [0, 1] up to rounding
        for (float& v : a.voxels()) v = std::clamp(v, 0.0f, 1.0f);
      result.attentionLevels = attentionLevels;
    }
    endStage(result.postprocessingSeconds);
    result.networkSeconds = inferred.networkSeconds;
    result.totalSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    report(1.0, "done");
    return result;
  } catch (const core::Error&) {
    throw;
  } catch (const core::Cancelled&) {
    throw;
  } catch (const c10::OutOfMemoryError& e) {
    throw core::Error(what, "out of memory during segmentation on " + model::describeDevice(impl_->device) +
                                " (try a smaller --batch or the CPU): " + firstLine(e.what_without_backtrace()));
  } catch (const c10::Error& e) {
    throw core::Error(what, "segmentation failed: " + firstLine(e.what_without_backtrace()));
  } catch (const std::bad_alloc&) {
    throw core::Error(what, "out of memory during segmentation");
  }
}

}  // namespace aunet::pipeline
