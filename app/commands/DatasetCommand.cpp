#include "app/commands/DatasetCommand.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <ostream>

#include "app/commands/ModelLocator.h"
#include "io/ImageReader.h"
#include "io/NnUNetDataset.h"
#include "core/Error.h"
#include "model/ModelFile.h"

namespace aunet::app {

namespace fs = std::filesystem;

void setupDatasetCommand(CLI::App& parent, DatasetOptions& options) {
  auto* cmd = parent.add_subcommand("dataset", "Make an nnU-Net v2 dataset of corrected cases to fine-tune a model on");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n"
      "  aunet dataset create -d corrections -m demo-brain\n"
      "  aunet dataset add -d corrections --image patient7.nii.gz --mask patient7_corrected.nii.gz\n"
      "  aunet train -d corrections -o runs/brain-v2 --init-from demo-brain\n"
      "See docs/training.md (fine-tuning on corrections).");
  auto* create = cmd->add_subcommand("create", "Create an empty dataset with a model's channels and labels");
  create->add_option("-d,--dataset", options.dataset, "Dataset folder to create (must not hold a dataset.json)")->required();
  create->add_option("-m,--model", options.model, "Model file (.aunet) or an installed model's name (demo-brain)")->required();
  auto* add = cmd->add_subcommand("add", "Add an image and its corrected mask as a training case");
  add->add_option("-d,--dataset", options.dataset, "Dataset folder (holds dataset.json)")->required();
  add->add_option("--image", options.images, "Image file, one per channel in the dataset's channel order")->required();
  add->add_option("--mask", options.mask, "Label map on the image's grid, with labels the dataset declares")->required();
  add->add_option("--case", options.caseName, "Case name (default: the next free case_NNN); never overwrites a case");
}

int runDatasetCreate(const DatasetOptions& options, std::ostream& out) {
  const std::string modelPath = ModelLocator::resolve(options.model);
  const model::ModelMetadata metadata = model::ModelFile::readMetadata(modelPath);
  std::vector<std::pair<std::string, int>> labels;
  for (const auto& l : metadata.labels) labels.emplace_back(l.name, l.value);
  const io::NnUNetDataset dataset = io::NnUNetDataset::create(
      options.dataset, metadata.channel_names, labels, fs::absolute(modelPath).lexically_normal().string(),
      metadata.provenance.created);
  out << "Created " << dataset.root << " for " << modelPath << "\nChannels:  ";
  for (size_t c = 0; c < dataset.channelNames.size(); ++c) out << (c ? ", " : "") << c << "=" << dataset.channelNames[c];
  out << "\nLabels:    ";
  for (size_t i = 0; i < dataset.labels.size(); ++i)
    out << (i ? ", " : "") << dataset.labels[i].second << "=" << dataset.labels[i].first;
  out << "\nAdd cases: aunet dataset add -d " << dataset.root << " --image IMAGE --mask MASK\n";
  return 0;
}

int runDatasetAdd(const DatasetOptions& options, std::ostream& out) {
  io::NnUNetDataset dataset = io::NnUNetDataset::load(options.dataset);
  if (options.images.size() != dataset.channelNames.size()) {
    std::string names;
    for (const auto& n : dataset.channelNames) names += (names.empty() ? "" : ", ") + n;
    throw core::Error(options.dataset + "/dataset.json",
                      "names " + std::to_string(dataset.channelNames.size()) + " channel(s) (" + names + "), got " +
                          std::to_string(options.images.size()) + " --image; give one per channel, in that order");
  }
  const core::Volume image = io::readChannelFiles(options.images);
  const core::LabelMap mask = io::readLabelMap(options.mask);
  const std::string id = dataset.addCase(image, mask, options.caseName, options.images.front(), options.mask);
  out << "Added case " << id << " to " << dataset.root << " (" << dataset.numTraining << " training case(s))\n";
  return 0;
}

int runDatasetCommand(const std::string& which, const DatasetOptions& options, std::ostream& out) {
  return which == "create" ? runDatasetCreate(options, out) : runDatasetAdd(options, out);
}

}  // namespace aunet::app
