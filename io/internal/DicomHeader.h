#pragma once
// The header of one DICOM file as DCMTK reads it, stopping before the pixel data: the
// attributes aunet's SEG/RTSTRUCT writing and reading need. Private to aunet_io
// (DCMTK appears in no public header).

#include <dcmtk/dcmdata/dcfilefo.h>

#include <memory>
#include <string>
#include <vector>

namespace aunet::io::internal {

// DCMTK logs to stderr by default (warnings like "PixelData encountered, skipping
// rest of dataset" for every header read); aunet reports problems itself, so only
// DCMTK's errors stay. Idempotent; every DCMTK entry point of aunet_io calls it.
void quietDicomToolkit();

// The numbers of a multi-valued decimal string ("1.5\\-2\\3").
std::vector<double> parseDicomNumbers(std::string values);

class DicomHeader {
 public:
  // Throws core::Error naming `file` when DCMTK cannot parse it. `withPixels`: read the
  // whole file (pixel data too).
  explicit DicomHeader(const std::string& file, bool withPixels = false);

  const std::string& file() const { return file_; }
  DcmFileFormat& fileFormat() { return *format_; }
  DcmDataset& dataset() { return *format_->getDataset(); }
  DcmMetaInfo& metaInfo() { return *format_->getMetaInfo(); }

  // A string attribute of the data set, trailing padding removed; empty when absent.
  std::string text(const DcmTagKey& tag) const;
  // The whole multi-valued string as stored ("a\b\c").
  std::string allValues(const DcmTagKey& tag) const;
  std::vector<double> numbers(const DcmTagKey& tag) const;
  std::string metaText(const DcmTagKey& tag) const;

  // SOP Class/Instance UIDs from the data set, or from the meta header when the data set
  // leaves them empty (badly anonymised files).
  std::string sopClassUid() const;
  std::string sopInstanceUid() const;

 private:
  std::string file_;
  std::unique_ptr<DcmFileFormat> format_;
};

}  // namespace aunet::io::internal
