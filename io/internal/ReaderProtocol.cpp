#include "io/internal/ReaderProtocol.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "core/Error.h"

namespace aunet::io::internal {

using nlohmann::json;

namespace {

// Bounds on what a header may announce, so a garbled answer cannot make the
// receiving process allocate without limit.
constexpr uint64_t kMaxHeaderBytes = uint64_t{16} << 20;

constexpr core::ErrorKind kErrorKinds[] = {core::ErrorKind::General, core::ErrorKind::ModelNotFound,
                                           core::ErrorKind::DatasetNotFound, core::ErrorKind::NoInputImages,
                                           core::ErrorKind::UnevenSlices};

std::string errorKindToString(core::ErrorKind kind) {
  switch (kind) {
    case core::ErrorKind::General: return "general";
    case core::ErrorKind::ModelNotFound: return "model-not-found";
    case core::ErrorKind::DatasetNotFound: return "dataset-not-found";
    case core::ErrorKind::NoInputImages: return "no-input-images";
    case core::ErrorKind::UnevenSlices: return "uneven-slices";
  }
  return "general";
}

// An unknown kind (a newer helper) is a general error, not a broken answer.
core::ErrorKind errorKindFromString(const std::string& text) {
  for (core::ErrorKind k : kErrorKinds)
    if (errorKindToString(k) == text) return k;
  return core::ErrorKind::General;
}

// ---- sending ----

void writeAll(int fd, const void* data, size_t bytes) {
  const char* p = static_cast<const char*>(data);
  while (bytes > 0) {
    const ssize_t n = ::write(fd, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::system_error(errno, std::generic_category(), "writing the reader's answer");
    p += n;
    bytes -= static_cast<size_t>(n);
  }
}

void sendHeader(int fd, const json& header) {
  const std::string text = header.dump();
  uint8_t length[8];
  for (int b = 0; b < 8; ++b) length[b] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * b));
  writeAll(fd, length, sizeof length);
  writeAll(fd, text.data(), text.size());
}

json geometryToJson(const core::Geometry& g) {
  return {{"size", g.size}, {"spacing", g.spacing}, {"origin", g.origin}, {"direction", g.direction}};
}

json metadataToJson(const core::VolumeMetadata& m) {
  json j{{"source_path", m.sourcePath},
         {"modality", m.modality},
         {"rescale_applied", m.rescaleApplied},
         {"rescale_slope", m.rescaleSlope},
         {"rescale_intercept", m.rescaleIntercept},
         {"series_instance_uid", m.seriesInstanceUid},
         {"series_description", m.seriesDescription},
         {"patient_description", m.patientDescription},
         {"photometric_interpretation", m.photometricInterpretation},
         {"tilt_resampled", m.tiltResampled},
         {"gantry_tilt_degrees", m.gantryTiltDegrees},
         {"volume_count", m.volumeCount},
         {"seconds_per_volume", m.secondsPerVolume},
         {"warnings", m.warnings}};
  if (m.windowCenter) j["window_center"] = *m.windowCenter;
  if (m.windowWidth) j["window_width"] = *m.windowWidth;
  return j;
}

// ---- receiving ----

// The voxels the helper left in the data descriptor (pread: the helper's writes moved
// the shared offset).
void readData(int dataFd, void* data, size_t bytes) {
  char* p = static_cast<char*>(data);
  off_t offset = 0;
  while (bytes > 0) {
    const ssize_t n = ::pread(dataFd, p, bytes, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw ReaderAnswerIncomplete{std::string("reading its voxels failed: ") + std::strerror(errno)};
    if (n == 0) throw ReaderAnswerIncomplete{"it announced more voxels than it wrote"};
    p += n;
    offset += n;
    bytes -= static_cast<size_t>(n);
  }
}

core::PixelType pixelTypeFromString(const std::string& text) {
  using core::PixelType;
  for (PixelType t : {PixelType::UInt8, PixelType::Int8, PixelType::UInt16, PixelType::Int16, PixelType::UInt32,
                      PixelType::Int32, PixelType::Float32, PixelType::Float64})
    if (core::toString(t) == text) return t;
  throw ReaderAnswerIncomplete{"unknown pixel type '" + text + "'"};
}

ImageFormat formatFromString(const std::string& text) {
  for (ImageFormat f : {ImageFormat::Nifti, ImageFormat::Nrrd, ImageFormat::MetaImage, ImageFormat::Dicom,
                        ImageFormat::Raster2D, ImageFormat::Unknown})
    if (toString(f) == text) return f;
  throw ReaderAnswerIncomplete{"unknown image format '" + text + "'"};
}

// Reads from the pipe until a deadline; EOF or a read error before the requested
// bytes is an incomplete answer.
class AnswerReader {
 public:
  AnswerReader(int fd, double timeoutSeconds) : fd_(fd), limited_(timeoutSeconds > 0) {
    if (limited_)
      deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeoutSeconds));
  }

  void read(void* data, size_t bytes) {
    char* p = static_cast<char*>(data);
    while (bytes > 0) {
      waitUntilReadable();
      const ssize_t n = ::read(fd_, p, bytes);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw ReaderAnswerIncomplete{std::string("reading its answer failed: ") + std::strerror(errno)};
      if (n == 0) throw ReaderAnswerIncomplete{"it ended before its answer was complete"};
      p += n;
      bytes -= static_cast<size_t>(n);
    }
  }

  // The header; an "error" answer becomes core::Error.
  json header() {
    uint8_t length[8];
    read(length, sizeof length);
    uint64_t size = 0;
    for (int b = 0; b < 8; ++b) size |= static_cast<uint64_t>(length[b]) << (8 * b);
    if (size == 0 || size > kMaxHeaderBytes) throw ReaderAnswerIncomplete{"its answer has a broken header"};
    std::string text(size, '\0');
    read(text.data(), text.size());
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw ReaderAnswerIncomplete{"its answer has a broken header"};
    if (j.value("status", "") == "error")
      throw core::Error(errorKindFromString(j.value("kind", std::string())), j.value("message", std::string("unknown error")));
    if (j.value("status", "") != "ok") throw ReaderAnswerIncomplete{"its answer has no status"};
    return j;
  }

 private:
  using Clock = std::chrono::steady_clock;

  void waitUntilReadable() {
    for (;;) {
      int waitMs = -1;
      if (limited_) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
        if (left <= 0) throw ReaderTimeout{};
        waitMs = static_cast<int>(std::min<long long>(left, 60'000));
      }
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, waitMs);
      if (r > 0) return;  // readable, or hung up: read() tells which
      if (r < 0 && errno != EINTR)
        throw ReaderAnswerIncomplete{std::string("waiting for its answer failed: ") + std::strerror(errno)};
    }
  }

  int fd_;
  bool limited_;
  Clock::time_point deadline_{};
};

core::Geometry geometryFromJson(const json& j) {
  core::Geometry g;
  g.size = j.at("size").get<core::Index3>();
  g.spacing = j.at("spacing").get<core::Vec3>();
  g.origin = j.at("origin").get<core::Vec3>();
  g.direction = j.at("direction").get<core::Mat3>();
  for (int64_t s : g.size)
    if (s < 1) throw ReaderAnswerIncomplete{"its answer has a broken geometry"};
  return g;
}

core::VolumeMetadata metadataFromJson(const json& j) {
  core::VolumeMetadata m;
  m.sourcePath = j.at("source_path").get<std::string>();
  m.modality = j.at("modality").get<std::string>();
  m.rescaleApplied = j.at("rescale_applied").get<bool>();
  m.rescaleSlope = j.at("rescale_slope").get<double>();
  m.rescaleIntercept = j.at("rescale_intercept").get<double>();
  m.seriesInstanceUid = j.at("series_instance_uid").get<std::string>();
  m.seriesDescription = j.at("series_description").get<std::string>();
  m.patientDescription = j.at("patient_description").get<std::string>();
  // Fields that only DICOM reads fill may be left out.
  m.photometricInterpretation = j.value("photometric_interpretation", std::string());
  m.tiltResampled = j.value("tilt_resampled", false);
  m.gantryTiltDegrees = j.value("gantry_tilt_degrees", 0.0);
  m.volumeCount = j.at("volume_count").get<int>();
  m.secondsPerVolume = j.at("seconds_per_volume").get<double>();
  m.warnings = j.at("warnings").get<std::vector<std::string>>();
  if (j.contains("window_center")) m.windowCenter = j["window_center"].get<double>();
  if (j.contains("window_width")) m.windowWidth = j["window_width"].get<double>();
  return m;
}

// Voxel bytes the header announces, checked against the grid before allocating.
uint64_t announcedValues(const json& header, const core::Geometry& g, int channels, size_t valueBytes) {
  const double claimed = static_cast<double>(g.size[0]) * static_cast<double>(g.size[1]) *
                        static_cast<double>(g.size[2]) * channels;
  if (claimed > 0x1p40) throw ReaderAnswerIncomplete{"its answer claims an impossible size"};
  const uint64_t values = static_cast<uint64_t>(g.voxelCount()) * static_cast<uint64_t>(channels);
  if (header.at("bytes").get<uint64_t>() != values * valueBytes)
    throw ReaderAnswerIncomplete{"its answer's size does not match its geometry"};
  return values;
}

// JSON type errors in a header are a broken answer, not the file's fault.
template <class F>
auto parsed(F&& f) {
  try {
    return f();
  } catch (const json::exception& e) {
    throw ReaderAnswerIncomplete{std::string("its answer's header is incomplete: ") + e.what()};
  }
}

}  // namespace

std::string toString(ReadKind kind) {
  switch (kind) {
    case ReadKind::Image: return "image";
    case ReadKind::LabelMap: return "labels";
    case ReadKind::Info: return "info";
    case ReadKind::DicomScan: return "dicom-scan";
  }
  return "image";
}

ReadKind readKindFromString(const std::string& text) {
  for (ReadKind k : {ReadKind::Image, ReadKind::LabelMap, ReadKind::Info, ReadKind::DicomScan})
    if (toString(k) == text) return k;
  throw std::invalid_argument("unknown read kind '" + text + "'");
}

json toJson(const ReadOptions& o) {
  return {{"color_to_gray", o.colorToGray},       {"allow_non_finite", o.allowNonFinite},
          {"max_voxels", o.maxVoxels},            {"memory_limit_bytes", o.memoryLimitBytes},
          {"dicom_series_uid", o.dicomSeriesUid}, {"dicom_recursive", o.dicomRecursive},
          {"allow_uneven_slices", o.allowUnevenSlices}, {"volume_index", o.volumeIndex}};
}

ReadOptions readOptionsFromJson(const json& j) {
  ReadOptions o;
  o.colorToGray = j.at("color_to_gray").get<bool>();
  o.allowNonFinite = j.at("allow_non_finite").get<bool>();
  o.maxVoxels = j.at("max_voxels").get<int64_t>();
  o.memoryLimitBytes = j.at("memory_limit_bytes").get<uint64_t>();
  o.dicomSeriesUid = j.at("dicom_series_uid").get<std::string>();
  o.dicomRecursive = j.at("dicom_recursive").get<bool>();
  o.allowUnevenSlices = j.at("allow_uneven_slices").get<bool>();
  o.volumeIndex = j.at("volume_index").get<int>();
  return o;
}

void sendVolume(int fd, int dataFd, const core::Volume& volume) {
  const size_t bytes = volume.voxels().size() * sizeof(float);
  writeAll(dataFd, volume.data(), bytes);
  sendHeader(fd, {{"status", "ok"},
                  {"geometry", geometryToJson(volume.geometry())},
                  {"channels", volume.channels()},
                  {"original_type", core::toString(volume.originalType())},
                  {"metadata", metadataToJson(volume.metadata())},
                  {"bytes", bytes}});
}

void sendLabelMap(int fd, int dataFd, const core::LabelMap& labels) {
  const size_t bytes = labels.labels().size() * sizeof(uint16_t);
  writeAll(dataFd, labels.data(), bytes);
  sendHeader(fd, {{"status", "ok"},
                  {"geometry", geometryToJson(labels.geometry())},
                  {"metadata", metadataToJson(labels.metadata())},
                  {"bytes", bytes}});
}

void sendImageInfo(int fd, const ImageInfo& info) {
  sendHeader(fd, {{"status", "ok"},
                  {"format", toString(info.format)},
                  {"geometry", geometryToJson(info.geometry)},
                  {"channels", info.channels},
                  {"volumes", info.volumes},
                  {"seconds_per_volume", info.secondsPerVolume},
                  {"warnings", info.warnings},
                  {"pixel_type", core::toString(info.pixelType)},
                  {"bytes", 0}});
}

void sendDicomSeries(int fd, const std::vector<DicomSeriesInfo>& series) {
  json list = json::array();
  for (const DicomSeriesInfo& s : series)
    list.push_back({{"id", s.id},
                    {"series_instance_uid", s.seriesInstanceUid},
                    {"description", s.description},
                    {"modality", s.modality},
                    {"patient", s.patient},
                    {"is_image", s.isImage},
                    {"files", s.files},
                    {"damaged_files", s.damagedFiles},
                    {"warnings", s.warnings}});
  sendHeader(fd, {{"status", "ok"}, {"series", list}, {"bytes", 0}});
}

void sendError(int fd, const std::string& message, core::ErrorKind kind) {
  sendHeader(fd, {{"status", "error"}, {"message", message}, {"kind", errorKindToString(kind)}});
}

core::Volume receiveVolume(int fd, int dataFd, double timeoutSeconds) {
  AnswerReader in(fd, timeoutSeconds);
  const json header = in.header();
  core::Volume volume = parsed([&] {
    const core::Geometry g = geometryFromJson(header.at("geometry"));
    const int channels = header.at("channels").get<int>();
    if (channels < 1) throw ReaderAnswerIncomplete{"its answer has no channels"};
    announcedValues(header, g, channels, sizeof(float));
    core::Volume v(g, channels, pixelTypeFromString(header.at("original_type").get<std::string>()));
    v.metadata() = metadataFromJson(header.at("metadata"));
    return v;
  });
  readData(dataFd, volume.data(), volume.voxels().size() * sizeof(float));
  return volume;
}

core::LabelMap receiveLabelMap(int fd, int dataFd, double timeoutSeconds) {
  AnswerReader in(fd, timeoutSeconds);
  const json header = in.header();
  core::LabelMap labels = parsed([&] {
    const core::Geometry g = geometryFromJson(header.at("geometry"));
    announcedValues(header, g, 1, sizeof(uint16_t));
    core::LabelMap l(g);
    l.metadata() = metadataFromJson(header.at("metadata"));
    return l;
  });
  readData(dataFd, labels.data(), labels.labels().size() * sizeof(uint16_t));
  return labels;
}

ImageInfo receiveImageInfo(int fd, int /*dataFd*/, double timeoutSeconds) {
  AnswerReader in(fd, timeoutSeconds);
  const json header = in.header();
  return parsed([&] {
    ImageInfo info;
    info.format = formatFromString(header.at("format").get<std::string>());
    info.geometry = geometryFromJson(header.at("geometry"));
    info.channels = header.at("channels").get<int>();
    info.volumes = header.at("volumes").get<int>();
    info.secondsPerVolume = header.at("seconds_per_volume").get<double>();
    info.warnings = header.at("warnings").get<std::vector<std::string>>();
    info.pixelType = pixelTypeFromString(header.at("pixel_type").get<std::string>());
    return info;
  });
}

std::vector<DicomSeriesInfo> receiveDicomSeries(int fd, int /*dataFd*/, double timeoutSeconds) {
  AnswerReader in(fd, timeoutSeconds);
  const json header = in.header();
  return parsed([&] {
    std::vector<DicomSeriesInfo> series;
    for (const json& s : header.at("series")) {
      DicomSeriesInfo info;
      info.id = s.at("id").get<std::string>();
      info.seriesInstanceUid = s.at("series_instance_uid").get<std::string>();
      info.description = s.at("description").get<std::string>();
      info.modality = s.at("modality").get<std::string>();
      info.patient = s.at("patient").get<std::string>();
      info.isImage = s.at("is_image").get<bool>();
      info.files = s.at("files").get<std::vector<std::string>>();
      info.damagedFiles = s.at("damaged_files").get<std::vector<std::string>>();
      info.warnings = s.at("warnings").get<std::vector<std::string>>();
      series.push_back(std::move(info));
    }
    return series;
  });
}

}  // namespace aunet::io::internal
