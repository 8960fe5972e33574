#include "app/commands/TrainCommand.h"

#include <CLI/CLI.hpp>
#include <torch/cuda.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "app/commands/ModelLocator.h"
#include "app/commands/PlanCommand.h"
#include "app/commands/TrainingProgressBar.h"
#include "pipeline/DatasetFingerprint.h"
#include "pipeline/ExperimentPlanner.h"
#include "pipeline/FineTuning.h"
#include "pipeline/PreprocessedCaseCache.h"
#include "pipeline/Trainer.h"
#include "pipeline/TrainingPreprocessor.h"
#include "pipeline/DatasetChecker.h"
#include "io/TextFileWriter.h"
#include "core/Error.h"
#include "core/Log.h"
#include "model/DataParallelGroup.h"
#include "model/DeviceSelection.h"
#include "model/MixedPrecision.h"
#include "model/ModelFile.h"

namespace aunet::app {

namespace fs = std::filesystem;

namespace {

// --intensity-randomization on|off and --synthetic switch the planned augmentation;
// they come before --config and --set, so `--intensity-randomization on --set
// augmentation.bias_field=0.1` keeps the user's probability.
model::TrainingPlan withAugmentationSwitches(model::TrainingPlan plan, const TrainOptions& options) {
  if (options.intensityRandomization != "auto")
    plan.augmentation = plan.augmentation.withIntensityRandomization(options.intensityRandomization == "on");
  if (options.synthetic && plan.augmentation.synthetic == 0.0) plan.augmentation.synthetic = 1.0;
  return plan;
}

}  // namespace

void setupTrainCommand(CLI::App& parent, TrainOptions& options) {
  auto* cmd = parent.add_subcommand("train", "Train a model on an nnU-Net v2 dataset (checks and plans it first)");
  cmd->add_option("-d,--dataset", options.dataset, "Dataset folder (dataset.json, imagesTr, labelsTr)")->required();
  cmd->add_option("-o,--output", options.runDir, "Run folder (checkpoints, progress.json, metrics.csv, model.aunet)");
  cmd->add_option("--config", options.config, "JSON file whose fields override the plan (see `aunet plan`)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", options.sets, "Override one plan field, e.g. --set batch_size=4");
  cmd->add_option("--epochs", options.epochs, "Epochs (default: the plan's)");
  cmd->add_option("--iterations-per-epoch", options.iterationsPerEpoch, "Training steps per epoch (default: the plan's)");
  cmd->add_option("--fold", options.fold,
                  "Validation fold 0..4 of a 5-fold split by --seed, a fold of --split, or \"all\" (train and "
                  "validate on every case); default 0, \"all\" when fine-tuning with --keep-plan");
  cmd->add_option("--split", options.split, "nnU-Net splits_final.json: a list of {\"train\": [ids], \"val\": [ids]}")
      ->check(CLI::ExistingFile);
  cmd->add_option("--mixed-precision", options.mixedPrecision,
                  "auto (bf16 on CUDA and on CPUs with AVX-512 BF16 or AMX, else fp32), off, bf16 or fp16 (CUDA, "
                  "loss scaling)")
      ->check(CLI::IsMember({"auto", "off", "bf16", "fp16"}));
  cmd->add_option("--progress", options.progress, "auto (a bar on a terminal), bar or none")
      ->check(CLI::IsMember({"auto", "bar", "none"}))
      ->capture_default_str();
  cmd->add_option("--device", options.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  cmd->add_option("--seed", options.seed, "Seed of the split, sampling, augmentation and initialization")
      ->capture_default_str();
  cmd->add_option("--resume", options.resume, "Continue the run in this folder from its last checkpoint");
  cmd->add_option("--init-from", options.initFrom,
                  "Start from this model's weights: a .aunet file or an installed model's name, as segment -m (its "
                  "architecture; a differing output head is re-initialized). The new model records it as its parent");
  cmd->add_flag("--keep-plan", options.keepPlan,
                "With --init-from: keep the model's plan (grid, patch, normalization; no replanning) and fine-tune "
                "(few epochs, small learning rate: docs/training.md). Default when the dataset was created from that "
                "model (aunet dataset create -m)");
  cmd->add_flag("--replan", options.replan, "With --init-from: plan from the dataset even if it was created from the model");
  cmd->add_flag("--freeze-encoder", options.freezeEncoder, "Keep the encoder's weights fixed (fine-tuning)");
  cmd->add_flag("--deterministic", options.deterministic,
                "Deterministic algorithms only (with --seed: reproducible runs; slower on CUDA, where cuDNN's "
                "benchmark mode is then off). CPU runs are reproducible without it");
  cmd->add_option("--bucket-mb", options.bucketMegabytes,
                  "Data parallel (torchrun, srun): megabytes of gradients per all-reduce, started during backward")
      ->check(CLI::Range(0.01, 4096.0))
      ->capture_default_str();
  cmd->add_option("--gradient-wire", options.gradientWire,
                  "Data parallel: the gradients' type during the all-reduce, fp32 or bf16 (half the traffic)")
      ->check(CLI::IsMember({"fp32", "bf16"}))
      ->capture_default_str();
  cmd->add_option("--intensity-randomization", options.intensityRandomization,
                  "Random intensity curves (inversion included), bias fields and low resolution per channel: on, "
                  "off, or auto (on when the cases mix contrasts or spacings; `aunet plan` says why)")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  cmd->add_flag("--synthetic", options.synthetic,
                "Train on images generated from the label maps (SynthSeg): every sample, or the share in "
                "--set augmentation.synthetic=R; context labels from labelsContext/ or a k-means of the image");
  cmd->add_option("--val-dataset", options.valDatasets,
                  "NAME=DIR: also validate on this nnU-Net dataset every epoch (its own log line, metrics column "
                  "and curve); repeatable");
  cmd->footer(
      "Examples:\n"
      "  aunet train -d Dataset001_Liver -o runs/liver --fold 0\n"
      "  aunet train -d Dataset010_BrainT1 -o runs/brain --intensity-randomization on --val-dataset t2=Dataset011_BrainT2\n"
      "  aunet train -d Dataset001_Liver --resume runs/liver --epochs 200\n"
      "  aunet train -d Dataset002_Kidney -o runs/kidney --init-from runs/liver/model.aunet --freeze-encoder\n"
      "  aunet train -d corrections -o runs/brain-v2 --init-from demo-brain          # fine-tune on corrections\n"
      "  torchrun --nproc-per-node 2 --no-python aunet train -d Dataset001_Liver -o runs/liver-ddp\n"
      "See docs/training.md.");
}

int runTrainCommand(const TrainOptions& options, std::ostream& out) {
  if (options.runDir.empty() && options.resume.empty()) throw core::Error("aunet train", "give -o RUN_DIR or --resume RUN_DIR");
  if (!options.runDir.empty() && !options.resume.empty() &&
      fs::weakly_canonical(options.runDir) != fs::weakly_canonical(options.resume))
    throw core::Error(options.resume, "--resume and -o name different run folders");
  const std::string runDir = options.resume.empty() ? options.runDir : options.resume;
  const bool resume = !options.resume.empty();

  if (options.deterministic) {
    // warn_only: ops without a deterministic kernel warn instead of stopping a long run.
    at::globalContext().setDeterministicAlgorithms(true, /*warn_only=*/true);
    at::globalContext().setDeterministicCuDNN(true);
    at::globalContext().setBenchmarkCuDNN(false);
  } else {
    at::globalContext().setBenchmarkCuDNN(true);  // fixed patch shapes: let cuDNN pick the fastest kernels
  }

  // 1. The same check as `aunet check-dataset`.
  const io::NnUNetDataset dataset = io::NnUNetDataset::load(options.dataset);
  const pipeline::DatasetCheckReport report = pipeline::checkDataset(dataset);
  if (!report.ok()) {
    report.print(out, dataset);
    throw core::Error(options.dataset, std::to_string(report.problems.size()) + " problem(s) in the dataset (see above)");
  }
  const auto values = dataset.labelValues();
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i] != static_cast<int>(i))
      throw core::Error(options.dataset + "/dataset.json", "label values must be consecutive 0..N-1 for training");

  // The model to start from, by file or installed name (as `segment -m`); with
  // --keep-plan (the default for a dataset created from it) its plan is kept.
  const std::string initFrom = options.initFrom.empty() ? std::string() : ModelLocator::resolve(options.initFrom);
  if (options.keepPlan && options.replan) throw core::Error("aunet train", "give --keep-plan or --replan, not both");
  if (options.initFrom.empty() && (options.keepPlan || options.replan))
    throw core::Error("aunet train", "--keep-plan and --replan need --init-from MODEL");
  model::ModelMetadata parent;
  bool keepPlan = false;
  if (!initFrom.empty() && !resume) {
    parent = model::ModelFile::readMetadata(initFrom);
    keepPlan = options.keepPlan || (!options.replan && pipeline::datasetMadeFrom(dataset, initFrom, parent));
    if (keepPlan) pipeline::checkDatasetFitsModel(dataset, parent, initFrom);
  }

  // 2. The plan: a resumed run keeps the one it started with.
  model::TrainingPlan plan;
  std::string fold = !options.fold.empty() ? options.fold : keepPlan ? "all" : "0";
  uint64_t seed = options.seed;
  const fs::path planPath = fs::path(runDir) / "plan.json", runPath = fs::path(runDir) / "run.json";
  if (resume) {
    std::ifstream planIn(planPath), runIn(runPath);
    if (!planIn || !runIn) throw core::Error(runDir, "not a run folder to resume (no plan.json / run.json)");
    try {
      plan = model::TrainingPlan::fromJson(nlohmann::json::parse(planIn), planPath.string());
      const auto run = nlohmann::json::parse(runIn);
      fold = run.at("fold").get<std::string>();
      seed = run.at("seed").get<uint64_t>();
    } catch (const nlohmann::json::exception& e) {
      std::string reason = e.what();
      throw core::Error(runDir, "unreadable run files: " + reason.substr(0, reason.find('\n')));
    }
  } else if (keepPlan) {
    // Fields that would change the grid or the network are not the model's to change here.
    plan = withPlanOverrides(withAugmentationSwitches(pipeline::keptPlan(parent, dataset), options), options.config,
                             options.sets, {"preprocessing", "network_channels", "spatial_dims"});
    if (options.epochs > 0) plan.validate_every = options.epochs;
  } else {
    const model::TrainingPlan planned =
        pipeline::planExperiment(dataset, pipeline::DatasetFingerprint::compute(dataset));
    plan = withPlanOverrides(withAugmentationSwitches(planned, options), options.config, options.sets);
  }
  if (options.epochs > 0) plan.epochs = options.epochs;
  if (!options.mixedPrecision.empty()) plan.mixed_precision = options.mixedPrecision;
  if (!resume && options.iterationsPerEpoch > 0) plan.iterations_per_epoch = options.iterationsPerEpoch;
  if (!resume && !initFrom.empty() && !keepPlan) {
    // The weights need the old architecture; the preprocessing plan is the new dataset's.
    plan.network_channels = parent.architecture.at("channels").get<std::vector<int64_t>>();
    const int64_t divisor = int64_t{1} << (plan.network_channels.size() - 1);
    for (int d = 0; d < plan.spatial_dims; ++d) {
      int64_t& p = plan.preprocessing.patch_size[static_cast<size_t>(d)];
      p = (p + divisor - 1) / divisor * divisor;
    }
  }
  plan.validate(options.config.empty() ? planPath.string() : options.config);
  // Data parallelism (torchrun / srun): join before anything is written, so a
  // misconfigured launch fails before touching the run folder.
  const model::DataParallelEnvironment environment = model::DataParallelEnvironment::fromEnvironment();
  std::string device = options.device;
  if (environment.worldSize > 1 && (device == "cuda" || (device == "auto" && torch::cuda::is_available())))
    device = "cuda:" + std::to_string(environment.localRank);  // one GPU per process on a node
  // gloo between CPU processes, nccl between GPUs.
  const std::shared_ptr<model::DataParallelGroup> group =
      model::DataParallelGroup::join(environment, model::selectDevice(device));
  const bool lead = environment.rank == 0;
  std::string splitFile = options.split;
  if (resume && splitFile.empty()) {
    std::ifstream runIn(runPath);
    splitFile = nlohmann::json::parse(runIn).value("split", std::string());
  }
  if (!resume && lead)
    io::writeTextFile(runPath.string(), nlohmann::json{{"dataset", dataset.root},
                                                       {"fold", fold},
                                                       {"seed", seed},
                                                       {"split", splitFile.empty() ? "" : fs::absolute(splitFile).string()},
                                                       {"processes", environment.worldSize}}
                                                .dump(2) + "\n");

  // 3. Every case once.
  //    Kept in RUN_DIR/preprocessed/ for a resumed run (valid only for this plan and
  //    these exact source files).
  pipeline::PreprocessedCaseCache cache((fs::path(runDir) / "preprocessed").string(), plan, lead);
  std::vector<pipeline::TrainingCase> cases;
  for (size_t i = 0; i < dataset.training.size(); ++i) {
    if (lead)
      core::log::info("preparing case " + std::to_string(i + 1) + "/" + std::to_string(dataset.training.size()) + ": " +
                      dataset.training[i].id);
    cases.push_back(cache.load(dataset.training[i]));
  }
  if (lead && cache.hits() > 0)
    core::log::info(std::to_string(cache.hits()) + " case(s) taken from " + (fs::path(runDir) / "preprocessed").string());
  std::vector<std::string> ids;
  for (const auto& c : dataset.training) ids.push_back(c.id);
  const pipeline::FoldSplit split = splitFile.empty() ? pipeline::splitFold(cases.size(), fold, seed) : pipeline::splitFromFile(splitFile, fold, ids);
  // Context labels for synthetic images: labelsContext/<case><ending> where present.
  if (plan.augmentation.synthetic > 0) {
    const fs::path contextDir = fs::path(dataset.root) / "labelsContext";
    for (size_t i = 0; i < dataset.training.size(); ++i) {
      const fs::path file = contextDir / (dataset.training[i].id + dataset.fileEnding);
      if (!fs::exists(file)) continue;
      io::NnUNetCase source = dataset.training[i];
      source.labelPath = file.string();
      cases[i].context = pipeline::preprocessTrainingCase(source, plan).labels;
    }
  }
  std::vector<pipeline::TrainingCase> train, validation;
  for (size_t i : split.train) train.push_back(cases[i]);
  for (size_t i : split.validation) validation.push_back(cases[i]);
  cases.clear();

  // 4. Train.
  pipeline::TrainerOptions trainer;
  for (const auto& spec : options.valDatasets) {
    const size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      throw core::Error("--val-dataset " + spec, "expected NAME=DIR");
    pipeline::ValidationSet set{spec.substr(0, eq), {}};
    const std::string dir = spec.substr(eq + 1);
    const io::NnUNetDataset other = io::NnUNetDataset::load(dir);
    const pipeline::DatasetCheckReport otherReport = pipeline::checkDataset(other);
    if (!otherReport.ok()) {
      otherReport.print(out, other);
      throw core::Error(dir, "--val-dataset " + set.name + ": " + std::to_string(otherReport.problems.size()) +
                                 " problem(s) in the dataset (see above)");
    }
    if (other.labelValues() != values || other.channelNames.size() != dataset.channelNames.size())
      throw core::Error(dir + "/dataset.json", "--val-dataset " + set.name + ": labels or channels differ from " + dataset.root);
    if (lead)
      for (const auto& c : other.training) {
        core::log::info("preparing validation case " + set.name + "/" + c.id);
        set.cases.push_back(pipeline::preprocessTrainingCase(c, plan));
      }
    trainer.extraValidation.push_back(std::move(set));
  }
  trainer.plan = plan;
  trainer.runDir = runDir;
  trainer.device = device;
  trainer.group = group;
  trainer.bucketMegabytes = options.bucketMegabytes;
  trainer.gradientWire = options.gradientWire;
  const bool bar = lead && (options.progress == "bar" || (options.progress == "auto" && ::isatty(::fileno(stderr))));
  TrainingProgressBar progressBar(std::cerr, bar);
  trainer.onIteration = [&](const pipeline::IterationProgress& p) { progressBar.update(p); };
  trainer.seed = seed;
  trainer.resume = resume;
  trainer.initFrom = initFrom;
  trainer.freezeEncoder = options.freezeEncoder;
  const fs::path checkpoint = fs::path(runDir) / "checkpoint_last.aunet";
  if (resume && fs::exists(checkpoint)) {
    // The run's own labels, channels and history (a fine-tuning run stays one).
    trainer.metadata = model::ModelFile::readMetadata(checkpoint.string());
    keepPlan = true;  // and the labels it has, below
  } else if (!initFrom.empty() && !resume) {
    // A new version of the parent: its history plus this step (parent, date, cases added).
    trainer.metadata = pipeline::fineTunedMetadata(parent, initFrom, dataset, plan.epochs);
  } else {
    trainer.metadata.description = "Attention U-Net trained on " + dataset.name + " (fold " + fold + ")";
  }
  if (!keepPlan) {  // the dataset's labels and channels (a replanned run may change them)
    trainer.metadata.labels = model::LabelInfo::defaults(static_cast<int>(dataset.labels.size()));
    for (size_t i = 0; i < dataset.labels.size(); ++i) trainer.metadata.labels[i].name = dataset.labels[i].first;
    trainer.metadata.channel_names = dataset.channelNames;
  }
  if (lead && keepPlan && !resume)
    out << "Fine-tuning " << initFrom << " with its plan kept (spacing, patch, normalization), learning rate "
        << plan.learning_rate << "\n";
  if (lead) {
    out << "Training on " << train.size() << " case(s), validating on " << validation.size() << " (fold " << fold
        << "), " << plan.epochs << " epochs of " << plan.iterations_per_epoch << " iterations";
    if (group) out << ", " << group->size() << " processes (" << group->backendName() << ") x batch " << plan.batch_size;
    // Which arithmetic "auto" chose here: it differs between CPUs (MixedPrecision.h).
    const torch::Device on = model::selectDevice(device);
    const torch::ScalarType precision = model::resolveMixedPrecision(plan.mixed_precision, on);
    out << ", " << (precision == torch::kBFloat16 ? "bf16 autocast" : precision == torch::kHalf ? "fp16 autocast" : "float32")
        << " on " << on.str();
    out << "\n" << std::flush;
  }
  const pipeline::TrainingResult result = [&] {
    try {
      return pipeline::trainModel(trainer, train, validation);
    } catch (...) {
      progressBar.clear();
      throw;
    }
  }();
  if (lead)
    out << "Best validation Dice " << result.bestDice << " at epoch " << result.bestEpoch << "\nModel: " << result.modelPath
        << "\nCurves: " << (fs::path(runDir) / "training_curves.png").string() << "\n";
  return 0;
}

}  // namespace aunet::app
