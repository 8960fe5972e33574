#include "app/commands/ImageInfoReport.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <ostream>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/DicomSeriesScanner.h"
#include "io/ImageFormat.h"
#include "io/ImageReader.h"
#include "core/Volume.h"

namespace aunet::app {

namespace {

namespace fs = std::filesystem;

struct ChannelRange {
  double min = 0, max = 0, mean = 0;
};

std::vector<ChannelRange> valueRanges(const core::Volume& volume) {
  std::vector<ChannelRange> ranges;
  const int64_t n = volume.geometry().voxelCount();
  for (int c = 0; c < volume.channels(); ++c) {
    const float* d = volume.channel(c);
    ChannelRange r;
    r.min = std::numeric_limits<double>::infinity();
    r.max = -std::numeric_limits<double>::infinity();
    double sum = 0;
    for (int64_t v = 0; v < n; ++v) {
      r.min = std::min<double>(r.min, d[v]);
      r.max = std::max<double>(r.max, d[v]);
      sum += d[v];
    }
    r.mean = n ? sum / static_cast<double>(n) : 0.0;
    ranges.push_back(r);
  }
  return ranges;
}

template <typename T, size_t N>
std::string joined(const std::array<T, N>& values, const char* separator) {
  std::ostringstream s;
  s.precision(10);
  for (size_t i = 0; i < N; ++i) s << (i ? separator : "") << values[i];
  return s.str();
}

std::string directionText(const core::Mat3& d) {
  std::ostringstream s;
  s.precision(6);
  s << "[";
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) s << (c ? " " : "") << (std::abs(d[r * 3 + c]) < 1e-12 ? 0.0 : d[r * 3 + c]);
    s << (r < 2 ? "; " : "]");
  }
  return s.str();
}

}  // namespace

bool looksLikeModelFile(const std::string& path) {
  if (io::imageExtension(path) == ".aunet") return true;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 8 && std::string(magic, 8) == "AUNETMDL";
}

void printImageInfo(const ImageInfoRequest& request, std::ostream& out) {
  const io::ImageFormat format = io::detectFormat(request.path);
  std::error_code ec;
  const bool folder = fs::is_directory(request.path, ec);
  std::vector<io::DicomSeriesInfo> series;
  std::string chosen;  // id of the series that is read and described
  if (format == io::ImageFormat::Dicom && folder) {
    series = io::scanDicomSeries(request.path, request.recursive);
    if (!series.empty()) chosen = io::selectDicomSeries(request.path, request.dicomSeries, request.recursive).id;
  }

  io::ReadOptions options;
  options.dicomSeriesUid = request.dicomSeries;
  options.dicomRecursive = request.recursive;
  // Report an irregular series (with its warning) rather than refuse to describe it.
  options.allowUnevenSlices = true;
  options.allowNonFinite = true;
  const core::Volume volume = io::readImage(request.path, options);
  const core::Geometry& g = volume.geometry();
  const auto ranges = valueRanges(volume);
  const auto& meta = volume.metadata();

  if (request.json) {
    nlohmann::json j;
    j["path"] = request.path;
    j["format"] = io::toString(format);
    j["size"] = g.size;
    j["spacing"] = g.spacing;
    j["origin"] = g.origin;
    j["direction"] = g.direction;
    j["orientation"] = g.orientationCode();
    j["pixel_type"] = core::toString(volume.originalType());
    j["channels"] = volume.channels();
    if (meta.volumeCount > 1) {
      j["volumes"] = meta.volumeCount;
      if (meta.secondsPerVolume > 0.0) j["seconds_per_volume"] = meta.secondsPerVolume;
    }
    if (meta.rescaleApplied) j["rescale"] = {{"slope", meta.rescaleSlope}, {"intercept", meta.rescaleIntercept}};
    for (const auto& r : ranges) j["value_range"].push_back({{"min", r.min}, {"max", r.max}, {"mean", r.mean}});
    if (!meta.modality.empty()) j["modality"] = meta.modality;
    if (!meta.seriesInstanceUid.empty()) j["series_instance_uid"] = meta.seriesInstanceUid;
    if (!meta.warnings.empty()) j["warnings"] = meta.warnings;
    for (const auto& s : series)
      j["series"].push_back({{"id", s.id},
                             {"series_instance_uid", s.seriesInstanceUid},
                             {"description", s.description},
                             {"modality", s.modality},
                             {"slices", s.sliceCount()},
                             {"is_image", s.isImage},
                             {"read", s.id == chosen}});
    out << j.dump(2) << "\n";
    return;
  }

  out << "Image:        " << request.path << "\n"
      << "Format:       " << io::toString(format) << (folder ? " folder" : "") << "\n"
      << "Size:         " << joined(g.size, " x ") << " voxels\n"
      << "Spacing:      " << joined(g.spacing, " x ") << " mm\n"
      << "Origin:       " << joined(g.origin, ", ") << " mm (LPS)\n"
      << "Direction:    " << directionText(g.direction) << " (columns = axis directions, LPS)\n"
      << "Orientation:  " << g.orientationCode() << " (ITK code: where each axis comes from)\n"
      << "Pixel type:   " << core::toString(volume.originalType()) << "\n"
      << "Channels:     " << volume.channels();
  if (meta.volumeCount > 1) {
    out << " (a 4D file: " << meta.volumeCount << " volumes along its 4th axis";
    if (meta.secondsPerVolume > 0.0) out << ", time, " << meta.secondsPerVolume << " s apart";
    out << "; `aunet convert --volume K` writes volume K, counted from 0)";
  }
  out << "\n";
  for (size_t c = 0; c < ranges.size(); ++c) {
    out << (c == 0 ? "Values:       " : "              ");
    if (ranges.size() > 1) out << "channel " << c << ": ";
    out << "min " << ranges[c].min << ", max " << ranges[c].max << ", mean " << ranges[c].mean << "\n";
  }
  if (!meta.modality.empty()) out << "Modality:     " << meta.modality << "\n";
  if (meta.rescaleApplied)
    out << "Rescale:      slope " << meta.rescaleSlope << ", intercept " << meta.rescaleIntercept << " (applied)\n";
  if (meta.windowCenter && meta.windowWidth)
    out << "Window:       center " << *meta.windowCenter << ", width " << *meta.windowWidth << "\n";
  if (!meta.seriesDescription.empty()) out << "Description:  " << meta.seriesDescription << "\n";
  for (const auto& w : meta.warnings) out << "Warning:      " << w << "\n";
  if (!series.empty()) {
    out << "DICOM series: " << series.size() << " found (* = the one described above; pick another with --series ID)\n";
    for (const auto& s : series) {
      out << (s.id == chosen ? "* " : "  ") << s.id << "\n"
          << "      " << s.sliceCount() << " file(s), " << (s.modality.empty() ? "?" : s.modality)
          << (s.isImage ? "" : " (no image)") << (s.description.empty() ? "" : ", \"" + s.description + "\"");
      if (!s.seriesInstanceUid.empty() && s.seriesInstanceUid != s.id) out << ", UID " << s.seriesInstanceUid;
      out << "\n";
    }
  }
}

}  // namespace aunet::app
