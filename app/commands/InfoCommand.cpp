#include "app/commands/InfoCommand.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <ostream>

#include "model/ModelFile.h"

namespace aunet::app {

void setupInfoCommand(CLI::App& parent, InfoOptions& options) {
  auto* cmd = parent.add_subcommand("info", "Print a model file's description, architecture, labels, plan and parameter count");
  cmd->add_option("model", options.model, "Model file (.aunet)")->required();
  cmd->add_flag("--json", options.json, "Print the metadata as JSON");
}

int runInfoCommand(const InfoOptions& options, std::ostream& out) {
  model::LoadedModel loaded = model::ModelFile::load(options.model);
  const auto& meta = loaded.metadata;
  const int64_t parameters = loaded.network->parameter_count();
  if (options.json) {
    nlohmann::json j = meta.toJson();
    j["parameter_count"] = parameters;
    out << j.dump(2) << "\n";
    return 0;
  }
  const auto& arch = loaded.network->options();
  out << fmt::format("Model:          {}\n", options.model);
  out << fmt::format("Description:    {}\n", meta.description.empty() ? "(none)" : meta.description);
  out << fmt::format("Format version: {}\n", model::ModelFile::kFormatVersion);
  out << fmt::format("Network:        {}D Attention U-Net, {} input channel(s), {} classes\n", arch.spatial_dims(),
                     arch.in_channels(), arch.num_classes());
  out << fmt::format("  channels:     {}\n", fmt::join(arch.channels(), ", "));
  out << fmt::format("  norm:         {}\n", model::toString(arch.norm()));
  out << fmt::format("  gated levels: {}\n", fmt::join(arch.gated_levels(), ", "));
  out << fmt::format("  deep supervision: {}\n", arch.deep_supervision() ? "on" : "off");
  out << fmt::format("  parameters:   {}\n", parameters);
  out << "Labels:\n";
  for (const auto& l : meta.labels)
    out << fmt::format("  {:>3}  {:<24} rgb({}, {}, {})\n", l.value, l.name, l.color[0], l.color[1], l.color[2]);
  const auto& plan = meta.plan;
  out << "Plan:\n";
  out << fmt::format("  orientation:    {}\n", plan.orientation.empty() ? "as input" : plan.orientation);
  out << fmt::format("  target spacing: {}\n",
                     plan.target_spacing.empty() ? "as input" : fmt::format("{} mm", fmt::join(plan.target_spacing, " x ")));
  out << fmt::format("  patch size:     {}\n",
                     plan.patch_size.empty() ? "whole image" : fmt::format("{}", fmt::join(plan.patch_size, " x ")));
  out << fmt::format("  normalization:  {}\n", plan.normalization.scheme);
  const auto& p = meta.provenance;
  out << "Provenance:\n";
  out << fmt::format("  dataset:        {}\n", p.dataset.empty() ? "(unknown)" : p.dataset);
  out << fmt::format("  epochs:         {}\n", p.epochs);
  out << fmt::format("  validation Dice: {}\n", p.validation_dice ? fmt::format("{:.4f}", *p.validation_dice) : "n/a");
  out << fmt::format("  written by:     aunet {} on {}\n", p.aunet_version, p.created);
  return 0;
}

}  // namespace aunet::app
