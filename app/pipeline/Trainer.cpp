#include "app/pipeline/Trainer.h"

#include <c10/util/Exception.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>
#include <torch/serialize.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "aunet/Version.h"
#include "io/ImageWriter.h"
#include "io/TextFileWriter.h"
#include "io/core/Error.h"
#include "io/core/Log.h"
#include "model/AttentionUNet.h"
#include "model/DeviceSelection.h"
#include "model/DiceCELoss.h"
#include "model/ModelFile.h"
#include "model/SlidingWindowInferer.h"
#include "model/VolumeTensor.h"

namespace aunet::app {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// nnU-Net samples at most this many voxels per class and case to centre patches on.
constexpr size_t kMaxForegroundPerClass = 10000;

struct CaseTensors {
  torch::Tensor image;   // [C, *S] float, CPU
  torch::Tensor labels;  // [*S] int64, CPU
  std::vector<int64_t> shape;                       // *S
  std::vector<std::vector<int64_t>> foreground;     // per class (index = label), flat voxel indices
};

CaseTensors toTensors(const TrainingCase& c, int dims, int classes, uint64_t seed) {
  CaseTensors t;
  t.image = model::volumeToTensor(c.image, dims)[0].contiguous();
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
  return t;
}

// Copies the part of `c` at `start` (may lie partly outside: zeros there) into the outputs.
void extractPatch(const CaseTensors& c, const std::vector<int64_t>& start, const std::vector<int64_t>& patch,
                  torch::Tensor imageOut, torch::Tensor labelOut) {
  imageOut.zero_();
  labelOut.zero_();
  torch::Tensor src = c.image, dst = imageOut, srcL = c.labels, dstL = labelOut;
  for (size_t a = 0; a < patch.size(); ++a) {
    const int64_t begin = std::max<int64_t>(0, start[a]);
    const int64_t end = std::min(c.shape[a], start[a] + patch[a]);
    if (end <= begin) return;
    const int64_t axis = static_cast<int64_t>(a);
    src = src.narrow(axis + 1, begin, end - begin);
    dst = dst.narrow(axis + 1, begin - start[a], end - begin);
    srcL = srcL.narrow(axis, begin, end - begin);
    dstL = dstL.narrow(axis, begin - start[a], end - begin);
  }
  dst.copy_(src);
  dstL.copy_(srcL);
}

std::string formatDice(const std::vector<double>& dice) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(3);
  for (size_t i = 0; i < dice.size(); ++i) s << (i ? " " : "") << dice[i];
  return s.str();
}

nlohmann::json recordToJson(const EpochRecord& r) {
  nlohmann::json j{{"epoch", r.epoch}, {"train_loss", r.trainLoss}, {"learning_rate", r.learningRate}, {"seconds", r.seconds}};
  if (r.meanDice >= 0) {
    j["dice"] = r.dice;
    j["mean_dice"] = r.meanDice;
  }
  return j;
}

EpochRecord recordFromJson(const nlohmann::json& j) {
  EpochRecord r;
  r.epoch = j.at("epoch").get<int>();
  r.trainLoss = j.at("train_loss").get<double>();
  r.learningRate = j.at("learning_rate").get<double>();
  r.seconds = j.at("seconds").get<double>();
  if (j.contains("mean_dice")) {
    r.dice = j.at("dice").get<std::vector<double>>();
    r.meanDice = j.at("mean_dice").get<double>();
  }
  return r;
}

void writeProgress(const std::string& runDir, const TrainingResult& result, int epochs) {
  nlohmann::json j{{"epoch", result.history.empty() ? 0 : result.history.back().epoch},
                   {"epochs", epochs},
                   {"best_dice", result.bestDice},
                   {"best_epoch", result.bestEpoch},
                   {"history", nlohmann::json::array()}};
  std::ostringstream csv;
  csv << "epoch,train_loss,mean_dice,dice_per_label,learning_rate,seconds\n";
  for (const auto& r : result.history) {
    j["history"].push_back(recordToJson(r));
    csv << r.epoch << "," << r.trainLoss << "," << (r.meanDice >= 0 ? std::to_string(r.meanDice) : "") << ","
        << formatDice(r.dice) << "," << r.learningRate << "," << r.seconds << "\n";
  }
  io::writeTextFile((fs::path(runDir) / "progress.json").string(), j.dump(2) + "\n");
  io::writeTextFile((fs::path(runDir) / "metrics.csv").string(), csv.str());
}

// torch::save through a temporary name in the same folder, then rename.
template <typename T>
void saveAtomically(const T& object, const std::string& path) {
  const std::string tmp = io::temporaryPathFor(path);
  try {
    torch::save(object, tmp);
  } catch (const c10::Error& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw core::Error(path, std::string("cannot write: ") + e.what_without_backtrace());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw core::Error(path, "cannot rename the temporary file: " + ec.message());
}

}  // namespace

TrainingResult trainModel(const TrainerOptions& options, const std::vector<TrainingCase>& train,
                          const std::vector<TrainingCase>& validation) {
  const model::TrainingPlan& plan = options.plan;
  plan.validate(options.runDir + "/plan.json");
  if (train.empty()) throw core::Error(options.runDir, "no training cases");
  const int dims = plan.spatial_dims;
  const int channels = train[0].image.channels();
  const int classes = static_cast<int>(options.metadata.labels.size());
  if (classes < 2) throw core::Error(options.runDir, "need background and at least one label");
  for (const auto& c : train)
    if (c.image.channels() != channels) throw core::Error(c.id, "channel count differs from the first case");
  if (dims == 2)
    for (const auto* set : {&train, &validation})
      for (const auto& c : *set)
        if (c.image.geometry().size[2] != 1) throw core::Error(c.id, "a 2D plan needs single-slice cases");

  fs::create_directories(options.runDir);
  const std::string lastModel = (fs::path(options.runDir) / "checkpoint_last.aunet").string();
  const std::string lastOptim = (fs::path(options.runDir) / "checkpoint_last.optim").string();
  const std::string bestModel = (fs::path(options.runDir) / "model.aunet").string();
  const torch::Device device = model::selectDevice(options.device);

  // Patch size in tensor order ([D,] H, W).
  std::vector<int64_t> patch;
  for (int d = dims - 1; d >= 0; --d) patch.push_back(plan.preprocessing.patch_size[static_cast<size_t>(d)]);

  torch::manual_seed(options.seed);
  model::AttentionUNet net(
      model::AttentionUNetOptions(dims, channels, classes).channels(plan.network_channels).deep_supervision(true));
  TrainingResult result;
  int startEpoch = 1;
  if (options.resume) {
    const std::string progressPath = (fs::path(options.runDir) / "progress.json").string();
    if (!fs::exists(lastModel) || !fs::exists(progressPath))
      throw core::Error(options.runDir, "nothing to resume: no checkpoint_last.aunet and progress.json");
    model::LoadedModel loaded = model::ModelFile::load(lastModel, device);
    net = loaded.network;
    const int done = static_cast<int>(loaded.metadata.provenance.epochs);
    try {
      std::ifstream in(progressPath);
      const auto j = nlohmann::json::parse(in);
      for (const auto& r : j.at("history"))
        if (r.at("epoch").get<int>() <= done) result.history.push_back(recordFromJson(r));
      result.bestDice = j.at("best_dice").get<double>();
      result.bestEpoch = j.at("best_epoch").get<int>();
      if (result.bestEpoch > done) {  // best written after the checkpoint: recompute from kept history
        result.bestDice = -1.0;
        result.bestEpoch = 0;
        for (const auto& r : result.history)
          if (r.meanDice > result.bestDice) result.bestDice = r.meanDice, result.bestEpoch = r.epoch;
      }
    } catch (const nlohmann::json::exception& e) {
      std::string reason = e.what();
      throw core::Error(progressPath, "unreadable progress: " + reason.substr(0, reason.find('\n')));
    }
    startEpoch = done + 1;
    core::log::info("resuming " + options.runDir + " after epoch " + std::to_string(done));
  } else if (!options.initFrom.empty()) {
    model::LoadedModel source = model::ModelFile::load(options.initFrom, torch::kCPU);
    torch::NoGradGuard noGrad;
    const auto sourceParams = source.network->named_parameters();
    const auto sourceBuffers = source.network->named_buffers();
    int copied = 0, fresh = 0;
    for (auto& p : net->named_parameters()) {
      const torch::Tensor* s = sourceParams.find(p.key());
      if (s && s->sizes() == p.value().sizes()) {
        p.value().copy_(*s);
        ++copied;
      } else {
        ++fresh;
      }
    }
    for (auto& b : net->named_buffers()) {
      const torch::Tensor* s = sourceBuffers.find(b.key());
      if (s && s->sizes() == b.value().sizes()) b.value().copy_(*s);
    }
    core::log::info("initialized from " + options.initFrom + ": " + std::to_string(copied) + " tensors copied, " +
                    std::to_string(fresh) + " re-initialized (label set or architecture differs)");
  }
  net->to(device);
  net->train();
  std::vector<torch::Tensor> trainable;
  for (auto& p : net->named_parameters()) {
    if (options.freezeEncoder && p.key().rfind("encoder", 0) == 0) p.value().set_requires_grad(false);
    if (p.value().requires_grad()) trainable.push_back(p.value());
  }
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (plan.optimizer == "adamw")
    optimizer = std::make_unique<torch::optim::AdamW>(
        trainable, torch::optim::AdamWOptions(plan.learning_rate).weight_decay(plan.weight_decay));
  else
    optimizer = std::make_unique<torch::optim::SGD>(
        trainable,
        torch::optim::SGDOptions(plan.learning_rate).momentum(0.99).nesterov(true).weight_decay(plan.weight_decay));
  if (options.resume && fs::exists(lastOptim)) {
    try {
      torch::load(*optimizer, lastOptim);
    } catch (const c10::Error& e) {
      throw core::Error(lastOptim, std::string("cannot read the optimizer state: ") + e.what_without_backtrace());
    }
  }

  // Tensors and foreground voxel lists, once.
  std::vector<CaseTensors> cases;
  for (size_t i = 0; i < train.size(); ++i) cases.push_back(toTensors(train[i], dims, classes, options.seed + i));
  std::vector<CaseTensors> valCases;
  for (size_t i = 0; i < validation.size(); ++i) valCases.push_back(toTensors(validation[i], dims, classes, 0));

  // Deep supervision weights 1/2^level, normalized (nnU-Net's).
  const size_t outputs = plan.network_channels.size() - 1;  // logits + levels 1 .. L-2
  std::vector<double> weights;
  double sum = 0.0;
  for (size_t l = 0; l < outputs; ++l) sum += (weights.emplace_back(1.0 / double(int64_t{1} << l)));
  for (auto& w : weights) w /= sum;
  const model::DiceCELoss loss;

  model::ModelMetadata metadata = options.metadata;
  metadata.plan = plan.preprocessing;
  metadata.provenance.dataset = plan.dataset;
  metadata.provenance.aunet_version = kVersion;
  io::writeTextFile((fs::path(options.runDir) / "plan.json").string(), plan.toJson().dump(2) + "\n");

  const int B = plan.batch_size;
  std::vector<int64_t> batchShape{B, channels};
  batchShape.insert(batchShape.end(), patch.begin(), patch.end());
  std::vector<int64_t> labelShape{B};
  labelShape.insert(labelShape.end(), patch.begin(), patch.end());

  for (int epoch = startEpoch; epoch <= plan.epochs; ++epoch) {
    const auto started = Clock::now();
    // Every epoch's randomness depends on (seed, epoch) only, so resuming is exact.
    std::mt19937_64 rng(options.seed * 1000003ULL + static_cast<uint64_t>(epoch));
    torch::manual_seed(options.seed * 7919ULL + static_cast<uint64_t>(epoch));
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const double lr = plan.learning_rate * std::pow(1.0 - double(epoch - 1) / plan.epochs, 0.9);
    for (auto& group : optimizer->param_groups()) group.options().set_lr(lr);

    double lossSum = 0.0;
    for (int it = 0; it < plan.iterations_per_epoch; ++it) {
      torch::Tensor x = torch::empty(batchShape, torch::kFloat);
      torch::Tensor y = torch::empty(labelShape, torch::kLong);
      for (int b = 0; b < B; ++b) {
        const CaseTensors& c = cases[std::uniform_int_distribution<size_t>(0, cases.size() - 1)(rng)];
        std::vector<int> present;
        for (int k = 1; k < classes; ++k)
          if (!c.foreground[static_cast<size_t>(k)].empty()) present.push_back(k);
        const bool foreground = !present.empty() && uniform(rng) < plan.foreground_fraction;
        std::vector<int64_t> start(patch.size());
        std::vector<int64_t> centre(patch.size(), -1);
        if (foreground) {
          const auto& list = c.foreground[static_cast<size_t>(present[std::uniform_int_distribution<size_t>(0, present.size() - 1)(rng)])];
          int64_t flat = list[std::uniform_int_distribution<size_t>(0, list.size() - 1)(rng)];
          for (int a = static_cast<int>(patch.size()) - 1; a >= 0; --a) {
            centre[static_cast<size_t>(a)] = flat % c.shape[static_cast<size_t>(a)];
            flat /= c.shape[static_cast<size_t>(a)];
          }
        }
        for (size_t a = 0; a < patch.size(); ++a) {
          const int64_t lo = std::min<int64_t>(0, c.shape[a] - patch[a]), hi = std::max<int64_t>(0, c.shape[a] - patch[a]);
          start[a] = foreground ? std::clamp(centre[a] - patch[a] / 2, lo, hi)
                                : std::uniform_int_distribution<int64_t>(lo, hi)(rng);
        }
        extractPatch(c, start, patch, x[b], y[b]);
        // Augmentation: mirroring per axis, brightness, contrast, Gaussian noise.
        std::vector<int64_t> flips;
        for (size_t a = 0; a < patch.size(); ++a)
          if (uniform(rng) < 0.5) flips.push_back(static_cast<int64_t>(a) + 1);
        if (!flips.empty()) {
          x[b].copy_(x[b].flip(flips));
          std::vector<int64_t> labelFlips;
          for (int64_t f : flips) labelFlips.push_back(f - 1);
          y[b].copy_(y[b].flip(labelFlips));
        }
        if (uniform(rng) < 0.15) x[b].mul_(0.75 + 0.5 * uniform(rng));
        if (uniform(rng) < 0.15) {
          const torch::Tensor mean = x[b].mean();
          const double lo = x[b].min().item<double>(), hi = x[b].max().item<double>();
          x[b].sub_(mean).mul_(0.75 + 0.5 * uniform(rng)).add_(mean).clamp_(lo, hi);
        }
        if (uniform(rng) < 0.1) x[b].add_(torch::randn(x[b].sizes()) * (0.1 * uniform(rng)));
      }
      x = x.to(device);
      y = y.to(device);
      const model::AttentionUNetOutput out = net->forward_all(x, false, true);
      torch::Tensor total = loss(out.logits, y) * weights[0];
      for (size_t l = 0; l < out.deep_supervision.size() && l + 1 < weights.size(); ++l) {
        const auto& logits = out.deep_supervision[l];
        std::vector<int64_t> size(logits.sizes().begin() + 2, logits.sizes().end());
        const torch::Tensor target =
            torch::nn::functional::interpolate(
                y.unsqueeze(1).to(torch::kFloat),
                torch::nn::functional::InterpolateFuncOptions().size(size).mode(torch::kNearest))
                .squeeze(1)
                .to(torch::kLong);
        total = total + loss(logits, target) * weights[l + 1];
      }
      const double value = total.item<double>();
      if (!std::isfinite(value))
        throw core::Error(options.runDir, "non-finite training loss at epoch " + std::to_string(epoch) + ", iteration " +
                                              std::to_string(it + 1) + "; the last checkpoint (epoch " +
                                              std::to_string(epoch - 1) + ") is kept");
      optimizer->zero_grad();
      total.backward();
      torch::nn::utils::clip_grad_norm_(trainable, plan.gradient_clip);
      optimizer->step();
      lossSum += value;
    }

    EpochRecord record;
    record.epoch = epoch;
    record.trainLoss = lossSum / plan.iterations_per_epoch;
    record.learningRate = lr;
    if (!valCases.empty() && (epoch % plan.validate_every == 0 || epoch == plan.epochs)) {
      net->eval();
      model::SlidingWindowOptions window;
      window.patchSize = patch;
      window.sizeDivisor = net->options().size_divisor();
      window.overlap = 0.5;
      window.batch = 2;
      const model::SlidingWindowInferer inferer(window);
      std::vector<double> dice(static_cast<size_t>(classes - 1), 0.0);
      for (const auto& c : valCases) {
        const model::SlidingWindowResult inferred = inferer.run(
            c.image.to(device), [&](const torch::Tensor& batch) { return model::PredictorOutput{net->forward(batch), {}}; });
        const auto scores = model::diceScores(inferred.probabilities.argmax(0).cpu(), c.labels, classes);
        for (size_t k = 0; k < dice.size(); ++k) dice[k] += scores[k] / static_cast<double>(valCases.size());
      }
      net->train();
      record.dice = dice;
      record.meanDice = 0.0;
      for (double d : dice) record.meanDice += d / static_cast<double>(dice.size());
    }
    record.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    result.history.push_back(record);

    metadata.provenance.epochs = epoch;
    metadata.provenance.created = model::Provenance::nowUtc();
    if (record.meanDice >= 0) metadata.provenance.validation_dice = record.meanDice;
    if (record.meanDice >= 0 && record.meanDice > result.bestDice) {
      result.bestDice = record.meanDice;
      result.bestEpoch = epoch;
      model::ModelFile::save(bestModel, net, metadata);
    }
    // Optimizer first, then weights (whose epoch count marks the checkpoint), then progress.
    saveAtomically(*optimizer, lastOptim);
    model::ModelFile::save(lastModel, net, metadata);
    writeProgress(options.runDir, result, plan.epochs);

    std::ostringstream line;
    line << "epoch " << epoch << "/" << plan.epochs << ": loss " << std::setprecision(4) << record.trainLoss;
    if (record.meanDice >= 0) line << ", validation Dice " << formatDice(record.dice) << " (mean " << record.meanDice << ")";
    line << ", lr " << lr << ", " << std::setprecision(3) << record.seconds << " s ("
         << plan.iterations_per_epoch / std::max(record.seconds, 1e-9) << " it/s)";
    core::log::info(line.str());
    if (options.onEpoch) options.onEpoch(record);
  }
  // No validation ever happened (or the resumed run had finished): the last weights are the model.
  if (!fs::exists(bestModel)) model::ModelFile::save(bestModel, net, metadata);
  result.modelPath = bestModel;
  return result;
}

}  // namespace aunet::app
