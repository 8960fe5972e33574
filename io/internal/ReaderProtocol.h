#pragma once
// What aunet-image-reader (io/tools/ImageReaderMain.cpp) and the process that started
// it exchange. The request travels as arguments: the kind, the result descriptor,
// the ReadOptions as JSON and the path. The answer travels on the result pipe: a JSON
// header (8-byte little-endian length, then the text) with "status" "ok" or "error",
// then, for "ok", the raw voxel bytes the header's "bytes" announces.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "io/DicomSeriesInfo.h"
#include "io/ImageReader.h"
#include "io/ReadOptions.h"
#include "core/Error.h"
#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::io::internal {

// DicomScan: scanDicomSeries() of a folder (ReadOptions::dicomRecursive).
enum class ReadKind { Image, LabelMap, Info, DicomScan };
std::string toString(ReadKind kind);
ReadKind readKindFromString(const std::string& text);  // throws std::invalid_argument

nlohmann::json toJson(const ReadOptions& options);
ReadOptions readOptionsFromJson(const nlohmann::json& json);

// The sending side (the helper). Each throws std::system_error when the pipe breaks.
void sendVolume(int fd, int dataFd, const core::Volume& volume);
void sendLabelMap(int fd, int dataFd, const core::LabelMap& labels);
void sendImageInfo(int fd, const ImageInfo& info);
void sendDicomSeries(int fd, const std::vector<DicomSeriesInfo>& series);
// The kind travels with the message, so the CLI's hints (--allow-uneven-slices) and
// the batch report see what the helper's reader threw.
void sendError(int fd, const std::string& message, core::ErrorKind kind = core::ErrorKind::General);

// The receiving side: reads one answer from `fd` within `timeoutSeconds` (0: no
// limit). An "error" answer throws core::Error with the helper's message; a broken
// or incomplete answer throws ReaderAnswerIncomplete (the caller then asks the
// process why it ended); running out of time throws ReaderTimeout.
struct ReaderAnswerIncomplete {
  std::string reason;
};
struct ReaderTimeout {};
core::Volume receiveVolume(int fd, int dataFd, double timeoutSeconds);
core::LabelMap receiveLabelMap(int fd, int dataFd, double timeoutSeconds);
ImageInfo receiveImageInfo(int fd, int dataFd, double timeoutSeconds);
std::vector<DicomSeriesInfo> receiveDicomSeries(int fd, int dataFd, double timeoutSeconds);

}  // namespace aunet::io::internal
