#include "io/internal/DicomWriting.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include "core/Error.h"
#include "core/FileCommit.h"

namespace aunet::io::internal {

std::string decimalString(double value) {
  if (std::abs(value) < 1e-10) value = 0.0;
  char text[32];
  for (int digits = 12; digits > 3; --digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::string(text).size() <= 16) return text;
  }
  return text;
}

std::vector<std::string> splitValues(const std::string& values) {
  std::vector<std::string> parts(1);
  for (char c : values) {
    if (c == '\\')
      parts.emplace_back();
    else if (c != ' ')
      parts.back() += c;
  }
  return parts;
}

void completeSourceUids(DcmDataset& dataset, const DicomSourceSeries& source, const DicomSourceFrame& frame) {
  auto fill = [&](const DcmTagKey& tag, const std::string& value) {
    OFString current;
    if (dataset.findAndGetOFString(tag, current).bad() || current.empty())
      dataset.putAndInsertString(tag, value.c_str());
  };
  fill(DCM_StudyInstanceUID, source.studyInstanceUid);
  fill(DCM_SeriesInstanceUID, source.seriesInstanceUid);
  fill(DCM_FrameOfReferenceUID, source.frameOfReferenceUid);
  fill(DCM_SOPClassUID, frame.sopClassUid);
  fill(DCM_SOPInstanceUID, frame.sopInstanceUid);
}

void saveAtomically(DcmFileFormat& format, const std::string& outputPath) {
  namespace fs = std::filesystem;
  const fs::path final(outputPath);
  const fs::path temporary = final.parent_path() / ("." + final.filename().string() + ".part" + std::to_string(getpid()));
  const OFCondition status = format.saveFile(temporary.c_str(), EXS_LittleEndianExplicit);
  if (status.bad()) {
    std::error_code ec;
    fs::remove(temporary, ec);
    throw core::Error(outputPath, std::string("cannot write the DICOM file: ") + status.text());
  }
  core::commitTemporaryFile(temporary.string(), outputPath);
}

}  // namespace aunet::io::internal
