#include "app/commands/MeshCommand.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <map>
#include <ostream>
#include <sstream>
#include <vector>

#include "core/Error.h"
#include "core/Log.h"
#include "io/DicomObjectReader.h"
#include "io/ImageReader.h"
#include "pipeline/DicomExport.h"
#include "surface/LabelSurface.h"
#include "surface/MeshFormat.h"
#include "surface/MeshTopology.h"
#include "surface/MeshWriter.h"

namespace fs = std::filesystem;

namespace aunet::app {

void setupMeshCommand(CLI::App& parent, MeshOptions& options) {
  auto* cmd = parent.add_subcommand(
      "mesh", "Write each label of a mask as a surface mesh (STL, OBJ or PLY) in patient coordinates (LPS, mm)");
  cmd->footer(
      "Examples:\n"
      "  aunet mesh -i brain/ch2.nii.gz -o meshes/                  # every label, binary STL\n"
      "  aunet mesh -i mask.nii.gz -o meshes/ --labels 1,3 --output-format ply --decimate 0.5\n"
      "  aunet mesh -i mask.seg.dcm -o meshes/ --output-format obj   # a DICOM SEG, named from its segments\n"
      "Files: OUTDIR/<value>_<name>.<ext>, names from labels.json or an ITK-SNAP .txt beside the mask; LPS mm\n"
      "(+x left, +y posterior, +z superior), stated in each file's header. RAS tools mirror x and y.");
  cmd->add_option("-i,--input", options.input, "Label map: NIfTI, NRRD, MetaImage, DICOM SEG/RTSTRUCT")->required();
  cmd->add_option("-o,--output", options.outputDir, "Folder for the mesh files (created if missing)")->required();
  cmd->add_option("--labels", options.labels, "Label values to export, comma-separated (default: every label)");
  cmd->add_option("--output-format", options.outputFormat, "stl (binary), obj or ply (binary)")->capture_default_str();
  cmd->add_option("--smoothing", options.smoothing,
                  "Windowed sinc smoothing iterations (0: raw voxel steps); keeps the enclosed volume")
      ->capture_default_str();
  cmd->add_option("--decimate", options.decimate,
                  "Fraction of triangles to remove by quadric decimation, 0 to below 1 (0: none)")
      ->capture_default_str();
  cmd->add_option("--label-names", options.labelNames,
                  "Label names (aunet's labels.json; default: labels.json beside the mask)");
}

namespace {

// "1,2,5" -> {1, 2, 5}, each in 1..65535, no repeats.
std::vector<uint16_t> parseLabelList(const std::string& text) {
  std::vector<uint16_t> values;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    const std::string t = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    const bool digits = !t.empty() && t.size() <= 5 &&
                        std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
    const long v = digits ? std::stol(t) : -1;
    if (v < 1 || v > 65535)
      throw core::Error("--labels " + text + ": '" + t + "' is not a label value (1 to 65535)");
    if (std::find(values.begin(), values.end(), static_cast<uint16_t>(v)) == values.end())
      values.push_back(static_cast<uint16_t>(v));
  }
  if (values.empty()) throw core::Error("--labels " + text + ": no label values given");
  return values;
}

std::string listOf(const std::vector<uint16_t>& values) {
  std::string s;
  for (uint16_t v : values) s += (s.empty() ? "" : ", ") + std::to_string(v);
  return s;
}

}  // namespace

int runMeshCommand(const MeshOptions& options, std::ostream& out) {
  // Every flag is checked before the mask is read, so a typo costs nothing.
  const surface::MeshFormat format = surface::parseMeshFormat(options.outputFormat);
  surface::SurfaceOptions surfaceOptions;
  surfaceOptions.smoothingIterations = options.smoothing;
  surfaceOptions.decimation = options.decimate;
  surface::validateSurfaceOptions(surfaceOptions);
  const std::vector<uint16_t> requested = options.labels.empty() ? std::vector<uint16_t>{} : parseLabelList(options.labels);
  std::error_code ec;
  if (!fs::exists(options.input, ec)) throw core::Error(options.input, "no such file or folder (the mask to mesh)");
  if (fs::exists(options.outputDir, ec) && !fs::is_directory(options.outputDir, ec))
    throw core::Error(options.outputDir, "exists and is not a folder (-o names the folder for the mesh files)");

  // The mask, and a name for each label value.
  core::LabelMap mask;
  std::map<int, std::string> names;
  if (!io::findDicomLabelObject(options.input).empty()) {
    io::DicomLabelObject object = io::readDicomLabelObject(options.input);
    for (const auto& w : object.warnings) core::log::warning(options.input + ": " + w);
    for (const auto& s : object.segments) names[s.label] = s.name;
    mask = std::move(object.labels);
  } else {
    mask = io::readLabelMap(options.input);
    for (const auto& l : pipeline::labelsForMask(options.input, options.labelNames)) names[l.value] = l.name;
  }
  for (const auto& w : mask.metadata().warnings) core::log::warning(w);

  std::vector<int64_t> counts(65536, 0);
  for (uint16_t v : mask.labels()) ++counts[v];
  std::vector<uint16_t> present;
  for (int v = 1; v < 65536; ++v)
    if (counts[v] > 0) present.push_back(static_cast<uint16_t>(v));
  std::vector<uint16_t> chosen = requested.empty() ? present : requested;
  if (present.empty()) throw core::Error(options.input, "the mask has no labels (every voxel is 0): no surface to write");
  for (uint16_t v : chosen) {
    if (counts[v] > 0) continue;
    if (names.count(v))
      throw core::Error(options.input, "--labels: label " + std::to_string(v) + " (" + names[v] +
                                           ") has no voxels in this mask: its surface would be empty");
    throw core::Error(options.input, "--labels: the mask has no label " + std::to_string(v) +
                                         " (labels present: " + listOf(present) + ")");
  }

  // All surfaces first, then the files: a failure in one label leaves no set half-written.
  struct Planned {
    uint16_t value;
    std::string name;
    surface::Mesh mesh;
  };
  std::vector<Planned> planned;
  for (uint16_t v : chosen) {
    Planned p{v, names.count(v) ? names[v] : "", {}};
    p.mesh = surface::extractLabelSurface(mask, v, surfaceOptions);
    if (p.mesh.empty())
      throw core::Error(options.input, "label " + std::to_string(v) + " gave an empty surface");
    planned.push_back(std::move(p));
  }
  fs::create_directories(options.outputDir, ec);
  if (ec) throw core::Error(options.outputDir, "cannot create the folder: " + ec.message());
  const auto& s = mask.geometry().spacing;
  for (const Planned& p : planned) {
    const std::string file = (fs::path(options.outputDir) / surface::meshFileName(p.value, p.name, format)).string();
    const std::string title = surface::meshTitle(p.value, p.name);
    surface::writeMesh(p.mesh, file, format, title);
    const double meshVolume = surface::signedVolume(p.mesh);
    const double voxelVolume = static_cast<double>(counts[p.value]) * s[0] * s[1] * s[2];
    char volumes[96];
    std::snprintf(volumes, sizeof volumes, "%.2f mL inside the mesh, %.2f mL of voxels", meshVolume / 1000.0,
                  voxelVolume / 1000.0);
    out << "wrote " << file << " (" << title << ": " << p.mesh.vertices.size()
        << " vertices, " << p.mesh.triangles.size() << " triangles, " << volumes << ")\n"
        << std::flush;  // before any warning about this file on stderr
    // A structure one or two voxels thick: the surface runs midway between voxel
    // centres and smoothing rounds it further, so say so rather than let it pass.
    if (meshVolume < 0.5 * voxelVolume)
      core::log::warning(file + ": the mesh encloses " + std::to_string(static_cast<int>(100 * meshVolume / voxelVolume)) +
                         "% of the label's voxel volume (a structure only a few voxels thick)" +
                         (options.smoothing > 0 ? "; --smoothing 0 keeps more of it" : ""));
    // Extraction and smoothing always close the surface; quadric decimation of a
    // structure a voxel or two thick can leave a few edges open or shared by more.
    if (const int64_t bad = surface::badEdgeCount(p.mesh))
      core::log::warning(file + ": not watertight after --decimate " + (std::ostringstream() << options.decimate).str() + ": " +
                         std::to_string(bad) + " edge(s) not shared by exactly two triangles; a smaller --decimate keeps "
                         "it closed");
  }
  out << planned.size() << " surface(s) in patient coordinates (LPS mm: +x left, +y posterior, +z superior) in "
      << options.outputDir << "\n";
  return 0;
}

}  // namespace aunet::app
