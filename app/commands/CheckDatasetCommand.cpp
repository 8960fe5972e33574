#include "app/commands/CheckDatasetCommand.h"

#include <CLI/CLI.hpp>

#include <ostream>

#include "pipeline/DatasetChecker.h"

namespace aunet::app {

void setupCheckDatasetCommand(CLI::App& parent, CheckDatasetOptions& options) {
  auto* cmd = parent.add_subcommand(
      "check-dataset", "Check an nnU-Net v2 dataset folder (dataset.json, imagesTr, labelsTr) before training");
  cmd->footer(
      "Example:\n"
      "  aunet check-dataset /data/Dataset001_Liver");
  cmd->add_option("dataset", options.dataset, "Dataset folder (holds dataset.json)")->required();
}

int runCheckDatasetCommand(const CheckDatasetOptions& options, std::ostream& out) {
  const io::NnUNetDataset dataset = io::NnUNetDataset::load(options.dataset);
  const pipeline::DatasetCheckReport report = pipeline::checkDataset(dataset);
  report.print(out, dataset);
  return report.ok() ? 0 : 1;
}

}  // namespace aunet::app
