#include "app/commands/InfoCommand.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "app/commands/DicomObjectReport.h"
#include "app/commands/ImageInfoReport.h"
#include "app/commands/ModelLocator.h"
#include "io/DicomObjectReader.h"
#include "model/ModelFile.h"

namespace aunet::app {

namespace {

template <typename T>
std::string join(const std::vector<T>& values, const std::string& separator) {
  std::ostringstream s;
  for (size_t i = 0; i < values.size(); ++i) s << (i ? separator : "") << values[i];
  return s.str();
}

}  // namespace

void setupInfoCommand(CLI::App& parent, InfoOptions& options) {
  auto* cmd = parent.add_subcommand(
      "info", "Describe a model file (architecture, labels, plan) or an image / DICOM folder (geometry, values, series)");
  cmd->footer(
      "Examples:\n"
      "  aunet info demo-brain                      # an installed model, by name\n"
      "  aunet info aunet-demo/demo.aunet --json    # a model file, as JSON\n"
      "  aunet info /usr/share/mricron/templates/ch2.nii.gz\n"
      "  aunet info ct_dicom/ --recursive           # every DICOM series below a folder");
  cmd->add_option("path", options.model,
                  "Model file (.aunet) or installed model's name (demo-brain), image file, or DICOM file or folder")
      ->required()
      ->transform(&ModelLocator::resolve);
  cmd->add_flag("--json", options.json, "Print as JSON");
  cmd->add_option("--series", options.series, "Images: DICOM series to read (id or SeriesInstanceUID; default: largest)");
  cmd->add_flag("--recursive", options.recursive, "Images: scan DICOM subfolders too");
  cmd->add_option("--source-series", options.sourceSeries,
                  "A DICOM SEG/RTSTRUCT: the series folder it belongs to (default: the series beside it)");
}

int runInfoCommand(const InfoOptions& options, std::ostream& out) {
  std::error_code ec;
  if (!std::filesystem::is_directory(options.model, ec) && !io::findDicomLabelObject(options.model).empty()) {
    printDicomObjectInfo(options.model, options.sourceSeries, options.json, out);
    return 0;
  }
  if (!looksLikeModelFile(options.model)) {
    printImageInfo({options.model, options.series, options.recursive, options.json}, out);
    return 0;
  }
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
  out << "Model:          " << options.model << "\n"
      << "Description:    " << (meta.description.empty() ? "(none)" : meta.description) << "\n"
      << "Format version: " << model::ModelFile::kFormatVersion << "\n"
      << "Network:        " << arch.spatial_dims() << "D Attention U-Net, " << arch.in_channels()
      << " input channel(s) (" << join(meta.channel_names, ", ") << "), " << arch.num_classes() << " classes\n"
      << "  channels:         " << join(arch.channels(), ", ") << "\n"
      << "  norm:             " << model::toString(arch.norm()) << "\n"
      << "  gated levels:     " << join(arch.gated_levels(), ", ") << "\n"
      << "  deep supervision: " << (arch.deep_supervision() ? "on" : "off") << "\n"
      << "  parameters:       " << parameters << "\n"
      << "Labels:\n";
  for (const auto& l : meta.labels)
    out << "  " << std::setw(3) << l.value << "  " << std::left << std::setw(24) << l.name << std::right << " rgb("
        << int(l.color[0]) << ", " << int(l.color[1]) << ", " << int(l.color[2]) << ")\n";
  const auto& plan = meta.plan;
  out << "Plan:\n"
      << "  orientation:    " << (plan.orientation.empty() ? "as input" : plan.orientation) << "\n"
      << "  target spacing: " << (plan.target_spacing.empty() ? "as input" : join(plan.target_spacing, " x ") + " mm")
      << "\n"
      << "  patch size:     " << (plan.patch_size.empty() ? "whole image" : join(plan.patch_size, " x ")) << "\n"
      << "  normalization:  " << plan.normalization.scheme << "\n";
  const auto& p = meta.provenance;
  std::ostringstream dice;
  if (p.validation_dice) dice << std::fixed << std::setprecision(4) << *p.validation_dice;
  out << "Provenance:\n"
      << "  dataset:         " << (p.dataset.empty() ? "(unknown)" : p.dataset) << "\n"
      << "  epochs:          " << p.epochs << "\n"
      << "  validation Dice: " << (p.validation_dice ? dice.str() : "n/a") << "\n"
      << "  written by:      aunet " << p.aunet_version << " on " << p.created << "\n";
  if (!p.history.empty()) {
    out << "Version history (fine-tuning steps, oldest first):\n";
    for (size_t i = 0; i < p.history.size(); ++i) {
      const auto& v = p.history[i];
      out << "  " << i + 2 << ". " << v.created << ": from " << v.parent << " (" << v.parent_created << ") on "
          << v.dataset << ", " << v.epochs << " epoch(s), " << v.cases_added.size() << " case(s) added";
      if (!v.cases_added.empty()) out << ": " << join(v.cases_added, ", ");
      out << "\n";
    }
  }
  return 0;
}

}  // namespace aunet::app
