#include "io/internal/DicomHeader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include <dcmtk/oflog/oflog.h>

#include <mutex>
#include <sstream>

#include "core/Error.h"

namespace aunet::io::internal {

namespace {

std::string trimmed(OFString value) {
  std::string s(value.c_str());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

}  // namespace

void quietDicomToolkit() {
  static std::once_flag once;
  std::call_once(once, [] { OFLog::configure(OFLogger::ERROR_LOG_LEVEL); });
}

DicomHeader::DicomHeader(const std::string& file, bool withPixels)
    : file_(file), format_(std::make_unique<DcmFileFormat>()) {
  quietDicomToolkit();
  const OFCondition status =
      withPixels ? format_->loadFile(file.c_str())
                 : format_->loadFileUntilTag(file.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength,
                                             ERM_autoDetect, DCM_PixelData);
  if (status.bad()) throw core::Error(file, std::string("not a readable DICOM file: ") + status.text());
}

std::string DicomHeader::text(const DcmTagKey& tag) const {
  OFString value;
  if (format_->getDataset()->findAndGetOFString(tag, value).bad()) return {};
  return trimmed(value);
}

std::string DicomHeader::allValues(const DcmTagKey& tag) const {
  OFString value;
  if (format_->getDataset()->findAndGetOFStringArray(tag, value).bad()) return {};
  return trimmed(value);
}

std::vector<double> parseDicomNumbers(std::string values) {
  for (char& c : values)
    if (c == '\\') c = ' ';
  std::istringstream in(values);
  std::vector<double> numbers;
  for (double v; in >> v;) numbers.push_back(v);
  return numbers;
}

std::vector<double> DicomHeader::numbers(const DcmTagKey& tag) const { return parseDicomNumbers(allValues(tag)); }

std::string DicomHeader::metaText(const DcmTagKey& tag) const {
  OFString value;
  if (format_->getMetaInfo()->findAndGetOFString(tag, value).bad()) return {};
  return trimmed(value);
}

std::string DicomHeader::sopClassUid() const {
  const std::string own = text(DCM_SOPClassUID);
  return own.empty() ? metaText(DCM_MediaStorageSOPClassUID) : own;
}

std::string DicomHeader::sopInstanceUid() const {
  const std::string own = text(DCM_SOPInstanceUID);
  return own.empty() ? metaText(DCM_MediaStorageSOPInstanceUID) : own;
}

}  // namespace aunet::io::internal
