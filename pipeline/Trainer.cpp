#include "pipeline/Trainer.h"

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

#include "pipeline/BatchPrefetcher.h"
#include "pipeline/GenerationLabels.h"
#include "pipeline/PatchSampler.h"
#include "pipeline/TrainingAugmenter.h"
#include "aunet/Version.h"
#include "io/ImageWriter.h"
#include "pipeline/LineChart.h"
#include "io/TextFileWriter.h"
#include "core/Cancelled.h"
#include "core/Error.h"
#include "core/Log.h"
#include "model/AttentionUNet.h"
#include "model/ClassArgmax.h"
#include "model/DataParallelGroup.h"
#include "model/GradientBucketReducer.h"
#include "model/DeviceSelection.h"
#include "model/DiceCELoss.h"
#include "model/MixedPrecision.h"
#include "model/ModelFile.h"
#include "model/SlidingWindowInferer.h"
#include "model/VolumeTensor.h"

namespace aunet::pipeline {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string formatDice(const std::vector<double>& dice) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(3);
  for (size_t i = 0; i < dice.size(); ++i) s << (i ? " " : "") << dice[i];
  return s.str();
}

nlohmann::json recordToJson(const EpochRecord& r) {
  nlohmann::json j{{"epoch", r.epoch},
                   {"train_loss", r.trainLoss},
                   {"learning_rate", r.learningRate},
                   {"seconds", r.seconds},
                   {"train_seconds", r.trainSeconds},
                   {"data_wait_fraction", r.dataWaitFraction}};
  if (r.meanDice >= 0) {
    j["dice"] = r.dice;
    j["mean_dice"] = r.meanDice;
  }
  if (!r.extraMeanDice.empty()) {
    j["extra_dice"] = r.extraDice;
    j["extra_mean_dice"] = r.extraMeanDice;
  }
  return j;
}

EpochRecord recordFromJson(const nlohmann::json& j) {
  EpochRecord r;
  r.epoch = j.at("epoch").get<int>();
  r.trainLoss = j.at("train_loss").get<double>();
  r.learningRate = j.at("learning_rate").get<double>();
  r.seconds = j.at("seconds").get<double>();
  r.trainSeconds = j.value("train_seconds", r.seconds);
  r.dataWaitFraction = j.value("data_wait_fraction", 0.0);
  if (j.contains("mean_dice")) {
    r.dice = j.at("dice").get<std::vector<double>>();
    r.meanDice = j.at("mean_dice").get<double>();
  }
  if (j.contains("extra_mean_dice")) {
    r.extraDice = j.at("extra_dice").get<std::vector<std::vector<double>>>();
    r.extraMeanDice = j.at("extra_mean_dice").get<std::vector<double>>();
  }
  return r;
}

// CSV header cells: label names without separators or quotes.
std::string csvName(std::string name) {
  for (char& c : name)
    if (c == ',' || c == '"' || c == '\n' || c == ' ') c = '_';
  return name;
}

void writeProgress(const std::string& runDir, const TrainingResult& result, int epochs,
                   const std::vector<std::string>& labelNames, const std::vector<std::string>& extraNames) {
  nlohmann::json j{{"epoch", result.history.empty() ? 0 : result.history.back().epoch},
                   {"epochs", epochs},
                   {"best_dice", result.bestDice},
                   {"best_epoch", result.bestEpoch},
                   {"labels", labelNames},
                   {"extra_validation", extraNames},
                   {"history", nlohmann::json::array()}};
  std::ostringstream csv;
  csv << "epoch,train_loss,mean_dice";
  for (const auto& name : labelNames) csv << ",dice_" << csvName(name);
  for (const auto& name : extraNames) csv << "," << csvName(name) << "_mean_dice";
  csv << ",learning_rate,seconds,data_wait_fraction\n";
  for (const auto& r : result.history) {
    j["history"].push_back(recordToJson(r));
    csv << r.epoch << "," << r.trainLoss << "," << (r.meanDice >= 0 ? std::to_string(r.meanDice) : "");
    for (size_t k = 0; k < labelNames.size(); ++k)
      csv << "," << (k < r.dice.size() ? std::to_string(r.dice[k]) : "");
    for (size_t k = 0; k < extraNames.size(); ++k)
      csv << "," << (k < r.extraMeanDice.size() ? std::to_string(r.extraMeanDice[k]) : "");
    csv << "," << r.learningRate << "," << r.seconds << "," << r.dataWaitFraction << "\n";
  }
  io::writeTextFile((fs::path(runDir) / "progress.json").string(), j.dump(2) + "\n");
  io::writeTextFile((fs::path(runDir) / "metrics.csv").string(), csv.str());

  // training_curves.png: loss, and validation Dice per label with their mean.
  ChartPanel lossPanel{"Training loss (Dice + cross-entropy, deep supervision)", "epoch", "loss", {}};
  ChartSeries lossSeries{"train loss", {}, {}};
  ChartPanel dicePanel{"Validation Dice", "epoch", "Dice", {}, true, 0.0, 1.0};
  std::vector<ChartSeries> dice(labelNames.size());
  for (size_t k = 0; k < labelNames.size(); ++k) dice[k].name = labelNames[k];
  ChartSeries mean{"mean", {}, {}};
  std::vector<ChartSeries> extra;
  for (const auto& name : extraNames) extra.push_back({name + " (mean)", {}, {}});
  for (const auto& r : result.history) {
    lossSeries.x.push_back(r.epoch);
    lossSeries.y.push_back(r.trainLoss);
    for (size_t k = 0; k < extra.size() && k < r.extraMeanDice.size(); ++k) {
      extra[k].x.push_back(r.epoch);
      extra[k].y.push_back(r.extraMeanDice[k]);
    }
    if (r.meanDice < 0) continue;
    for (size_t k = 0; k < dice.size() && k < r.dice.size(); ++k) {
      dice[k].x.push_back(r.epoch);
      dice[k].y.push_back(r.dice[k]);
    }
    mean.x.push_back(r.epoch);
    mean.y.push_back(r.meanDice);
  }
  lossPanel.series.push_back(lossSeries);
  dicePanel.series = dice;
  if (dice.size() > 1) dicePanel.series.push_back(mean);
  for (auto& e : extra) dicePanel.series.push_back(std::move(e));
  writeLineChartPng((fs::path(runDir) / "training_curves.png").string(), {lossPanel, dicePanel});
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

  model::DataParallelGroup* group = options.group.get();
  const int rank = group ? group->rank() : 0;
  const int world = group ? group->size() : 1;
  const bool lead = rank == 0;  // writes the run folder and validates
  if (lead) fs::create_directories(options.runDir);
  const std::string lastModel = (fs::path(options.runDir) / "checkpoint_last.aunet").string();
  const std::string lastOptim = (fs::path(options.runDir) / "checkpoint_last.optim").string();
  const std::string bestModel = (fs::path(options.runDir) / "model.aunet").string();
  const torch::Device device = model::selectDevice(options.device);
  const torch::ScalarType precision = model::resolveMixedPrecision(plan.mixed_precision, device);

  // Patch size and spacing in tensor order ([D,] H, W).
  std::vector<int64_t> patch;
  std::vector<double> spacing;
  for (int d = dims - 1; d >= 0; --d) {
    patch.push_back(plan.preprocessing.patch_size[static_cast<size_t>(d)]);
    spacing.push_back(train[0].image.geometry().spacing[static_cast<size_t>(d)]);
  }

  torch::manual_seed(options.seed);
  model::AttentionUNet net(
      model::AttentionUNetOptions(dims, channels, classes).channels(plan.network_channels).deep_supervision(true));
  TrainingResult result;
  int startEpoch = 1;
  const bool hasCheckpoint = fs::exists(lastModel) && fs::exists((fs::path(options.runDir) / "progress.json"));
  if (options.resume && !hasCheckpoint && lead)
    core::log::warning(options.runDir + ": no checkpoint yet (stopped during the first epoch); starting from epoch 1");
  if (options.resume && hasCheckpoint) {
    const std::string progressPath = (fs::path(options.runDir) / "progress.json").string();
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
    if (lead) core::log::info("resuming " + options.runDir + " after epoch " + std::to_string(done));
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
    if (lead)
      core::log::info("initialized from " + options.initFrom + ": " + std::to_string(copied) + " tensors copied, " +
                      std::to_string(fresh) + " re-initialized (label set or architecture differs)");
  }
  net->to(device);
  net->train();
  if (group) {  // every process starts from rank 0's weights
    std::vector<torch::Tensor> state;
    for (auto& p : net->parameters()) state.push_back(p);
    for (auto& b : net->buffers()) state.push_back(b);
    group->broadcast(state, 0);
  }
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
  if (options.resume && hasCheckpoint && fs::exists(lastOptim)) {
    try {
      torch::load(*optimizer, lastOptim);
    } catch (const c10::Error& e) {
      throw core::Error(lastOptim, std::string("cannot read the optimizer state: ") + e.what_without_backtrace());
    }
  }
  model::GradientScaler scaler(precision == torch::kHalf);
  std::unique_ptr<model::GradientBucketReducer> reducer;
  if (group) {
    model::GradientBucketOptions buckets;
    buckets.bucketBytes = static_cast<int64_t>(options.bucketMegabytes * 1024 * 1024);
    buckets.wire = options.gradientWire == "bf16" ? torch::kBFloat16 : torch::kFloat;
    reducer = std::make_unique<model::GradientBucketReducer>(trainable, options.group, buckets);
    if (lead) {
      std::ostringstream line;
      line << "data parallel: " << group->backendName() << " backend, world size " << world << ", "
           << reducer->bucketCount() << " gradient bucket(s) of up to " << options.bucketMegabytes << " MB, "
           << options.gradientWire << " on the wire";
      core::log::info(line.str());
    }
  }

  // Tensors and foreground voxel lists, once; training cases live on the training
  // device, where sampling and augmentation run.
  std::vector<CaseTensors> cases;
  for (size_t i = 0; i < train.size(); ++i) cases.push_back(makeCaseTensors(train[i], dims, classes, options.seed + i, device));
  std::vector<CaseTensors> valCases;
  if (lead)
    for (size_t i = 0; i < validation.size(); ++i)
      valCases.push_back(makeCaseTensors(validation[i], dims, classes, 0, torch::kCPU));
  std::vector<std::vector<CaseTensors>> extraCases;
  std::vector<std::string> extraNames;
  for (const auto& set : options.extraValidation) {
    for (const auto& c : set.cases)
      if (c.image.channels() != channels) throw core::Error(c.id, "--val-dataset " + set.name + ": channel count differs from training");
    extraNames.push_back(set.name);
    extraCases.emplace_back();
    if (lead)
      for (const auto& c : set.cases) extraCases.back().push_back(makeCaseTensors(c, dims, classes, 0, torch::kCPU));
  }
  if (plan.augmentation.synthetic > 0) {
    for (size_t i = 0; i < train.size(); ++i)
      attachGenerationLabels(cases[i], train[i], classes, plan.augmentation.synthetic_context_classes);
    if (lead)
      core::log::info("synthetic images for " + std::to_string(int(plan.augmentation.synthetic * 100 + 0.5)) +
                      "% of samples, " + std::to_string(cases.front().generationCount - classes) +
                      " context class(es) in the first case (" +
                      (train.front().context.labels().empty() ? "k-means of the image" : "labelsContext/") + ")");
  }
  const PatchSampler sampler(std::move(cases), patch, classes, plan.foreground_fraction,
                             TrainingAugmenter(plan.augmentation, patch, spacing));

  // Deep supervision weights 1/2^level, normalized (nnU-Net's).
  const size_t outputs = plan.network_channels.size() - 1;  // logits + levels 1 .. L-2
  std::vector<double> weights;
  double sum = 0.0;
  for (size_t l = 0; l < outputs; ++l) sum += (weights.emplace_back(1.0 / double(int64_t{1} << l)));
  for (auto& w : weights) w /= sum;
  const model::DiceCELoss loss;
  model::DiceCELoss::StatisticsReducer sumOverProcesses;
  if (group)
    sumOverProcesses = [group](const torch::Tensor& local) {
      std::vector<torch::Tensor> t{local.clone()};
      group->allReduceSum(t);
      return t[0];
    };

  model::ModelMetadata metadata = options.metadata;
  metadata.plan = plan.preprocessing;
  metadata.provenance.dataset = plan.dataset;
  metadata.provenance.aunet_version = kVersion;
  std::vector<std::string> labelNames;
  for (int k = 1; k < classes; ++k) labelNames.push_back(metadata.labels[static_cast<size_t>(k)].name);
  if (lead) io::writeTextFile((fs::path(options.runDir) / "plan.json").string(), plan.toJson().dump(2) + "\n");

  const int B = plan.batch_size;
  for (int epoch = startEpoch; epoch <= plan.epochs; ++epoch) {
    const auto started = Clock::now();
    const double lr = plan.learning_rate * std::pow(1.0 - double(epoch - 1) / plan.epochs, 0.9);
    for (auto& paramGroup : optimizer->param_groups()) paramGroup.options().set_lr(lr);

    // This process's share of every global batch: samples rank*B .. rank*B + B-1.
    BatchPrefetcher loader(
        [&, epoch](int64_t it) {
          std::vector<uint64_t> seeds;
          for (int b = 0; b < B; ++b)
            seeds.push_back(PatchSampler::sampleSeed(options.seed, epoch, static_cast<int>(it), int64_t{rank} * B + b));
          return sampler.batch(seeds);
        },
        plan.iterations_per_epoch, static_cast<size_t>(std::max(1, options.prefetchBatches)));

    double lossSum = 0.0;
    for (int it = 0; it < plan.iterations_per_epoch; ++it) {
      if (options.cancel && options.cancel->cancelled()) throw core::Cancelled();
      TrainingBatch batch = loader.next();
      const torch::Tensor x = batch.image.to(device), y = batch.labels.to(device);
      model::AttentionUNetOutput out;
      {
        const model::AutocastGuard autocast(device, precision);
        out = net->forward_all(x, false, true);
      }
      // The loss in fp32 whatever the forward's precision.
      torch::Tensor total = loss(out.logits.to(torch::kFloat), y, sumOverProcesses, world) * weights[0];
      for (size_t l = 0; l < out.deep_supervision.size() && l + 1 < weights.size(); ++l) {
        const auto& logits = out.deep_supervision[l];
        std::vector<int64_t> size(logits.sizes().begin() + 2, logits.sizes().end());
        const torch::Tensor target =
            torch::nn::functional::interpolate(
                y.unsqueeze(1).to(torch::kFloat),
                torch::nn::functional::InterpolateFuncOptions().size(size).mode(torch::kNearest))
                .squeeze(1)
                .to(torch::kLong);
        total = total + loss(logits.to(torch::kFloat), target, sumOverProcesses, world) * weights[l + 1];
      }
      optimizer->zero_grad();
      // With a group, each bucket's all-reduce starts during backward (GradientBucketReducer).
      scaler.scale(total).backward();
      double value = total.item<double>();
      if (reducer) {  // average the gradients and the loss over processes
        reducer->finish();
        std::vector<torch::Tensor> reduced{torch::full({1}, value, torch::kDouble)};
        group->allReduceSum(reduced);
        value = reduced.back().item<double>() / world;
      }
      if (!std::isfinite(value))
        throw core::Error(options.runDir, "non-finite training loss at epoch " + std::to_string(epoch) + ", iteration " +
                                              std::to_string(it + 1) + "; the last checkpoint (epoch " +
                                              std::to_string(epoch - 1) + ") is kept");
      const bool finite = scaler.unscale(trainable);  // fp16: skip steps whose gradients overflowed
      if (finite) {
        torch::nn::utils::clip_grad_norm_(trainable, plan.gradient_clip);
        optimizer->step();
      }
      scaler.update(finite);
      lossSum += value;
      if (lead && options.onIteration) {
        IterationProgress progress;
        progress.epoch = epoch;
        progress.epochs = plan.epochs;
        progress.iteration = it + 1;
        progress.iterations = plan.iterations_per_epoch;
        progress.meanLoss = lossSum / (it + 1);
        progress.epochSeconds = std::chrono::duration<double>(Clock::now() - started).count();
        options.onIteration(progress);
      }
    }
    const double stepSeconds = std::chrono::duration<double>(Clock::now() - started).count();

    EpochRecord record;
    record.epoch = epoch;
    record.trainLoss = lossSum / plan.iterations_per_epoch;
    record.learningRate = lr;
    record.trainSeconds = stepSeconds;
    record.dataWaitFraction = stepSeconds > 0 ? loader.waitSeconds() / stepSeconds : 0.0;
    const bool validateNow = epoch % plan.validate_every == 0 || epoch == plan.epochs;
    if (lead && validateNow && (!valCases.empty() || !extraCases.empty())) {
      net->eval();
      model::SlidingWindowOptions window;
      window.patchSize = patch;
      window.sizeDivisor = net->options().size_divisor();
      window.overlap = 0.5;
      window.batch = 2;
      const model::SlidingWindowInferer inferer(window);
      // Mean Dice per foreground label over a set's cases.
      auto validate = [&](const std::vector<CaseTensors>& set) {
        std::vector<double> dice(static_cast<size_t>(classes - 1), 0.0);
        for (const auto& c : set) {
          const model::SlidingWindowResult inferred = inferer.run(c.image.to(device), [&](const torch::Tensor& batch) {
            const model::AutocastGuard autocast(device, precision);
            return model::PredictorOutput{net->forward(batch).to(torch::kFloat), {}};
          });
          const auto scores = model::diceScores(model::classIndices(inferred.probabilities), c.labels, classes);
          for (size_t k = 0; k < dice.size(); ++k) dice[k] += scores[k] / static_cast<double>(set.size());
        }
        return dice;
      };
      auto meanOf = [](const std::vector<double>& dice) {
        double m = 0.0;
        for (double d : dice) m += d / static_cast<double>(dice.size());
        return m;
      };
      if (!valCases.empty()) {
        record.dice = validate(valCases);
        record.meanDice = meanOf(record.dice);
      }
      for (const auto& set : extraCases) {
        record.extraDice.push_back(set.empty() ? std::vector<double>(static_cast<size_t>(classes - 1), 0.0) : validate(set));
        record.extraMeanDice.push_back(meanOf(record.extraDice.back()));
      }
      net->train();
    }
    record.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    result.history.push_back(record);

    metadata.provenance.epochs = epoch;
    metadata.provenance.created = model::Provenance::nowUtc();
    if (record.meanDice >= 0) metadata.provenance.validation_dice = record.meanDice;
    if (lead) {
      if (record.meanDice >= 0 && record.meanDice > result.bestDice) {
        result.bestDice = record.meanDice;
        result.bestEpoch = epoch;
        model::ModelFile::save(bestModel, net, metadata);
      }
      // Progress and optimizer first, the weights last: their epoch count marks the
      // checkpoint, and a resume drops progress records newer than it, so a kill
      // between these writes loses no epoch's record.
      writeProgress(options.runDir, result, plan.epochs, labelNames, extraNames);
      saveAtomically(*optimizer, lastOptim);
      model::ModelFile::save(lastModel, net, metadata);

      std::ostringstream line;
      line << "epoch " << epoch << "/" << plan.epochs << ": loss " << std::setprecision(4) << record.trainLoss;
      if (record.meanDice >= 0) line << ", validation Dice " << formatDice(record.dice) << " (mean " << record.meanDice << ")";
      line << ", lr " << lr << ", " << std::setprecision(3) << record.seconds << " s ("
           << plan.iterations_per_epoch / std::max(stepSeconds, 1e-9) << " it/s, " << std::setprecision(2)
           << 100.0 * record.dataWaitFraction << "% waiting for data)";
      core::log::info(line.str());
      for (size_t k = 0; k < record.extraMeanDice.size(); ++k) {
        std::ostringstream extraLine;
        extraLine << "epoch " << epoch << "/" << plan.epochs << ": validation on " << extraNames[k] << ": Dice "
                  << formatDice(record.extraDice[k]) << " (mean " << std::setprecision(4) << record.extraMeanDice[k] << ")";
        core::log::info(extraLine.str());
      }
    }
    if (group) group->barrier("epoch " + std::to_string(epoch));  // rank 0's checkpoint is complete
    if (options.onEpoch) options.onEpoch(record);
  }
  // No validation ever happened (or the resumed run had finished): the last weights are the model.
  if (lead && !fs::exists(bestModel)) model::ModelFile::save(bestModel, net, metadata);
  result.modelPath = bestModel;
  return result;
}

}  // namespace aunet::pipeline
