#include "io/DicomInstanceHeader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "core/Error.h"
#include "io/internal/DcmtkNetwork.h"

namespace aunet::io {

namespace {

std::string element(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFString(tag, value).bad()) return {};
  return std::string(value.c_str());
}

}  // namespace

DicomInstanceHeader readDicomInstanceHeader(const std::string& file) {
  internal::quietDcmtkLogging();
  DcmFileFormat format;
  // Values over 4 KiB (the pixels) stay on disk.
  const OFCondition cond = format.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect);
  if (cond.bad()) throw core::Error(file, "not a readable DICOM file: " + internal::conditionText(cond));
  DcmDataset& data = *format.getDataset();
  DicomInstanceHeader h;
  h.sopClassUid = element(data, DCM_SOPClassUID);
  h.sopInstanceUid = element(data, DCM_SOPInstanceUID);
  h.studyInstanceUid = element(data, DCM_StudyInstanceUID);
  h.seriesInstanceUid = element(data, DCM_SeriesInstanceUID);
  h.modality = element(data, DCM_Modality);
  const char* name = h.sopClassUid.empty() ? nullptr : dcmFindNameOfUID(h.sopClassUid.c_str());
  h.sopClassName = name ? name : (h.sopClassUid.empty() ? "no SOP Class UID" : h.sopClassUid);
  // Segmentations and RT objects carry pixels or frames of their own but are results,
  // not images to segment (a node fed its own SEG back must not segment it).
  h.image = !h.sopClassUid.empty() && dcmIsImageStorageSOPClassUID(h.sopClassUid.c_str()) &&
            h.sopClassUid != UID_SegmentationStorage && h.modality != "SEG" && h.modality != "RTSTRUCT" &&
            h.modality != "RTDOSE" && data.tagExists(DCM_PixelData);
  return h;
}

}  // namespace aunet::io
