#include "io/DicomInstanceHeader.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "io/internal/DicomHeader.h"

namespace aunet::io {

DicomInstanceHeader readDicomInstanceHeader(const std::string& file) {
  const internal::DicomHeader header(file);  // stops before the pixel data
  DicomInstanceHeader h;
  h.sopClassUid = header.text(DCM_SOPClassUID);
  h.sopInstanceUid = header.text(DCM_SOPInstanceUID);
  h.studyInstanceUid = header.text(DCM_StudyInstanceUID);
  h.seriesInstanceUid = header.text(DCM_SeriesInstanceUID);
  h.modality = header.text(DCM_Modality);
  const char* name = h.sopClassUid.empty() ? nullptr : dcmFindNameOfUID(h.sopClassUid.c_str());
  h.sopClassName = name ? name : (h.sopClassUid.empty() ? "no SOP Class UID" : h.sopClassUid);
  // Segmentations and RT objects carry pixels or frames of their own but are results,
  // not images to segment (a node fed its own SEG back must not segment it).
  h.image = !h.sopClassUid.empty() && dcmIsImageStorageSOPClassUID(h.sopClassUid.c_str()) &&
            h.sopClassUid != UID_SegmentationStorage && h.modality != "SEG" && h.modality != "RTSTRUCT" &&
            h.modality != "RTDOSE";
  return h;
}

}  // namespace aunet::io
