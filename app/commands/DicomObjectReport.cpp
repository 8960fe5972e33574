#include "app/commands/DicomObjectReport.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <ostream>

#include "io/DicomObjectReader.h"

namespace aunet::app {

void printDicomObjectInfo(const std::string& path, const std::string& sourceSeries, bool json, std::ostream& out) {
  const io::DicomLabelObject object = io::readDicomLabelObject(path, sourceSeries);
  const core::Geometry& g = object.labels.geometry();
  const double voxelMl = g.spacing[0] * g.spacing[1] * g.spacing[2] / 1000.0;
  std::vector<int64_t> counts(65536, 0);
  for (uint16_t v : object.labels.labels()) ++counts[v];
  const std::string kind = object.kind == io::DicomObjectKind::RtStruct ? "DICOM RT Structure Set" : "DICOM Segmentation";
  if (json) {
    nlohmann::json j{{"path", path},
                     {"format", kind},
                     {"referenced_series", object.referencedSeriesUid},
                     {"size", g.size},
                     {"spacing", g.spacing},
                     {"origin", g.origin},
                     {"direction", g.direction},
                     {"warnings", object.warnings},
                     {"segments", nlohmann::json::array()}};
    for (const auto& s : object.segments)
      j["segments"].push_back({{"number", s.label},
                               {"name", s.name},
                               {"color", s.color},
                               {"type", {{"value", s.type.value}, {"scheme", s.type.scheme}, {"meaning", s.type.meaning}}},
                               {"voxels", counts[s.label]},
                               {"ml", static_cast<double>(counts[s.label]) * voxelMl}});
    out << j.dump(2) << "\n";
    return;
  }
  out << "File:         " << path << "\n"
      << "Format:       " << kind << "\n"
      << "References:   series " << (object.referencedSeriesUid.empty() ? "(none)" : object.referencedSeriesUid) << "\n"
      << "Grid:         " << g.describe() << "\n"
      << "Segments:     " << object.segments.size() << "\n";
  for (const auto& s : object.segments) {
    out << "  " << std::setw(3) << s.label << "  " << std::left << std::setw(24) << s.name << std::right;
    if (!s.type.empty()) out << " " << s.type.scheme << " " << s.type.value << " (" << s.type.meaning << ")";
    out << "  rgb(" << int(s.color[0]) << ", " << int(s.color[1]) << ", " << int(s.color[2]) << ")  " << counts[s.label]
        << " voxels, " << std::fixed << std::setprecision(2) << static_cast<double>(counts[s.label]) * voxelMl
        << " mL\n"
        << std::defaultfloat;
  }
  for (const auto& w : object.warnings) out << "Warning:      " << w << "\n";
}

}  // namespace aunet::app
