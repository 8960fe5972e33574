#include "gui/SurfaceExport.h"

#include <filesystem>

#include "core/Error.h"
#include "surface/MeshFormat.h"
#include "surface/MeshWriter.h"

namespace fs = std::filesystem;

namespace aunet::gui {

int writeLabelSurfaces(const core::LabelMap& labels, const std::vector<model::LabelInfo>& names,
                       const std::string& folder, const std::string& format, const surface::SurfaceOptions& options) {
  const surface::MeshFormat meshFormat = surface::parseMeshFormat(format);
  std::vector<bool> present(65536, false);
  for (uint16_t v : labels.labels()) present[v] = true;
  struct Planned {
    int value;
    std::string name;
    surface::Mesh mesh;
  };
  std::vector<Planned> planned;
  for (int v = 1; v < 65536; ++v) {
    if (!present[static_cast<size_t>(v)]) continue;
    std::string name;
    for (const auto& l : names)
      if (l.value == v) name = l.name;
    planned.push_back({v, name, surface::extractLabelSurface(labels, static_cast<uint16_t>(v), options)});
  }
  if (planned.empty()) throw core::Error(folder, "the mask has no labels (every voxel is 0): no surface to write");
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw core::Error(folder, "cannot create the folder: " + ec.message());
  for (const Planned& p : planned)
    surface::writeMesh(p.mesh, (fs::path(folder) / surface::meshFileName(p.value, p.name, meshFormat)).string(),
                       meshFormat, surface::meshTitle(p.value, p.name));
  return static_cast<int>(planned.size());
}

}  // namespace aunet::gui
