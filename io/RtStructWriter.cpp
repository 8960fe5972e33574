// writeRtStruct(): an RT Structure Set through DCMTK's dcmrt, one ROI per label, each
// slice's outlines as CLOSED_PLANAR contours in patient coordinates (holes are
// contours of their own inside the outer one, the even-odd reading planning systems
// use), every contour referencing the slice it lies on.
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmrt/drtstrct.h>

#include <ctime>
#include <set>
#include <sstream>

#include "core/Error.h"
#include "io/DicomCodes.h"
#include "io/DicomObjectWriter.h"
#include "io/internal/DicomHeader.h"
#include "io/internal/DicomUid.h"
#include "io/internal/DicomWriting.h"
#include "io/internal/MaskOnSourceGrid.h"
#include "io/internal/SliceContours.h"

namespace aunet::io {

using core::Error;

namespace {

// The Study Component Management SOP Class: what RT Referenced Study items conventionally reference.
constexpr const char* kStudyComponentSopClass = "1.2.840.10008.3.1.2.3.1";

void check(const OFCondition& status, const std::string& path, const std::string& what) {
  if (status.bad()) throw Error(path, "cannot build the RT Structure Set (" + what + "): " + status.text());
}

std::string dateTime(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  localtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, format, &utc);
  return text;
}

// RTSTRUCT interpreted types (CS): ORGAN for known anatomy, else the generic CONTROL-free one.
std::string interpretedType(const DicomSegmentCodes& codes) {
  if (!codes.known) return "";  // type 2: empty when unknown
  return codes.category.meaning == "Morphologically Altered Structure" ? "GTV" : "ORGAN";
}

}  // namespace

void writeRtStruct(const core::LabelMap& mask, const DicomSourceSeries& source,
                   const std::vector<DicomSegment>& segments, const DicomAlgorithm& algorithm,
                   const std::string& outputPath) {
  const core::LabelMap labels = internal::maskOnSourceGrid(
      mask, source.geometry, mask.metadata().sourcePath.empty() ? std::string("mask") : mask.metadata().sourcePath);
  const core::Geometry& g = labels.geometry();
  const int64_t sliceVoxels = g.size[0] * g.size[1];

  DRTStructureSetIOD rt;
  const internal::DicomHeader first(source.frames.front().file);
  // Patient and study as the source has them (the attributes of those modules aunet
  // knows; the source file itself is not touched).
  check(rt.setPatientName(first.text(DCM_PatientName).c_str()), outputPath, "patient name");
  check(rt.setPatientID(first.text(DCM_PatientID).c_str()), outputPath, "patient ID");
  check(rt.setPatientBirthDate(first.text(DCM_PatientBirthDate).c_str()), outputPath, "birth date");
  check(rt.setPatientSex(first.text(DCM_PatientSex).c_str()), outputPath, "sex");
  check(rt.setStudyInstanceUID(source.studyInstanceUid.c_str()), outputPath, "study");
  check(rt.setStudyDate(first.text(DCM_StudyDate).c_str()), outputPath, "study date");
  check(rt.setStudyTime(first.text(DCM_StudyTime).c_str()), outputPath, "study time");
  check(rt.setStudyID(first.text(DCM_StudyID).c_str()), outputPath, "study ID");
  check(rt.setAccessionNumber(first.text(DCM_AccessionNumber).c_str()), outputPath, "accession number");
  check(rt.setReferringPhysicianName(first.text(DCM_ReferringPhysicianName).c_str()), outputPath, "physician");
  check(rt.setStudyDescription(first.text(DCM_StudyDescription).c_str()), outputPath, "study description");
  // The IOD includes the Frame of Reference module (dcmrt leaves it to the caller).
  check(rt.setFrameOfReferenceUID(source.frameOfReferenceUid.c_str()), outputPath, "frame of reference");
  check(rt.setPositionReferenceIndicator(first.text(DCM_PositionReferenceIndicator).c_str()), outputPath,
        "position reference");
  // Series, equipment and the instance are aunet's.
  const std::string date = dateTime("%Y%m%d"), time = dateTime("%H%M%S");
  check(rt.setSOPInstanceUID(internal::newDicomUid().c_str()), outputPath, "instance");
  check(rt.setSeriesInstanceUID(internal::newDicomUid().c_str()), outputPath, "series");
  check(rt.setModality("RTSTRUCT"), outputPath, "modality");
  check(rt.setSeriesNumber("902"), outputPath, "series number");
  check(rt.setSeriesDescription(("aunet " + algorithm.modelName).substr(0, 64).c_str()), outputPath, "description");
  check(rt.setInstanceNumber("1"), outputPath, "instance number");
  check(rt.setInstanceCreationDate(date.c_str()), outputPath, "date");
  check(rt.setInstanceCreationTime(time.c_str()), outputPath, "time");
  check(rt.setManufacturer("aunet"), outputPath, "manufacturer");
  check(rt.setManufacturerModelName((algorithm.modelName.empty() ? "aunet" : algorithm.modelName).substr(0, 64).c_str()),
        outputPath, "model name");
  check(rt.setSoftwareVersions((algorithm.version.empty() ? "unknown" : algorithm.version).c_str()), outputPath,
        "software");
  check(rt.setStructureSetLabel("AUNET"), outputPath, "label");
  check(rt.setStructureSetName(("aunet " + algorithm.modelName).substr(0, 64).c_str()), outputPath, "name");
  check(rt.setStructureSetDate(date.c_str()), outputPath, "structure set date");
  check(rt.setStructureSetTime(time.c_str()), outputPath, "structure set time");

  // Referenced Frame of Reference > RT Referenced Study > RT Referenced Series > Contour Image.
  DRTReferencedFrameOfReferenceSequence::Item* frameOfReference = nullptr;
  check(rt.getReferencedFrameOfReferenceSequence().addItem(frameOfReference), outputPath, "frame of reference");
  check(frameOfReference->setFrameOfReferenceUID(source.frameOfReferenceUid.c_str()), outputPath, "frame UID");
  DRTRTReferencedStudySequence::Item* study = nullptr;
  check(frameOfReference->getRTReferencedStudySequence().addItem(study), outputPath, "referenced study");
  check(study->setReferencedSOPClassUID(kStudyComponentSopClass), outputPath, "referenced study class");
  check(study->setReferencedSOPInstanceUID(source.studyInstanceUid.c_str()), outputPath, "referenced study UID");
  DRTRTReferencedSeriesSequence::Item* series = nullptr;
  check(study->getRTReferencedSeriesSequence().addItem(series), outputPath, "referenced series");
  check(series->setSeriesInstanceUID(source.seriesInstanceUid.c_str()), outputPath, "referenced series UID");
  for (const DicomSourceFrame& frame : source.frames) {
    DRTContourImageSequence::Item* image = nullptr;
    check(series->getContourImageSequence().addItem(image), outputPath, "contour image");
    check(image->setReferencedSOPClassUID(frame.sopClassUid.c_str()), outputPath, "image class");
    check(image->setReferencedSOPInstanceUID(frame.sopInstanceUid.c_str()), outputPath, "image UID");
  }

  const std::set<uint16_t> present(labels.labels().begin(), labels.labels().end());
  std::vector<uint8_t> inside(static_cast<size_t>(sliceVoxels));
  int roiNumber = 0;
  for (const DicomSegment& description : segments) {
    if (description.label == 0 || !present.count(description.label)) continue;
    const std::string number = std::to_string(++roiNumber);
    const DicomSegmentCodes codes = dicomCodesForLabel(description.name);
    DRTStructureSetROISequence::Item* roi = nullptr;
    check(rt.getStructureSetROISequence().addItem(roi), outputPath, "ROI");
    check(roi->setROINumber(number.c_str()), outputPath, "ROI number");
    check(roi->setReferencedFrameOfReferenceUID(source.frameOfReferenceUid.c_str()), outputPath, "ROI frame");
    check(roi->setROIName(description.name.substr(0, 64).c_str()), outputPath, "ROI name");
    check(roi->setROIGenerationAlgorithm(algorithm.automatic ? "AUTOMATIC" : "MANUAL"), outputPath, "ROI algorithm");
    check(roi->setROIGenerationDescription(("aunet " + algorithm.modelName).substr(0, 64).c_str()), outputPath,
          "ROI description");

    DRTROIContourSequence::Item* roiContour = nullptr;
    check(rt.getROIContourSequence().addItem(roiContour), outputPath, "ROI contour");
    check(roiContour->setReferencedROINumber(number.c_str()), outputPath, "ROI contour number");
    const std::string color = std::to_string(description.color[0]) + "\\" + std::to_string(description.color[1]) +
                              "\\" + std::to_string(description.color[2]);
    check(roiContour->setROIDisplayColor(color.c_str()), outputPath, "ROI colour");
    int contourNumber = 0;
    for (int64_t k = 0; k < g.size[2]; ++k) {
      const uint16_t* slice = labels.data() + k * sliceVoxels;
      bool any = false;
      for (int64_t v = 0; v < sliceVoxels; ++v) {
        inside[static_cast<size_t>(v)] = slice[v] == description.label ? 1 : 0;
        any = any || inside[static_cast<size_t>(v)];
      }
      if (!any) continue;
      const DicomSourceFrame& frame = source.frames[static_cast<size_t>(k)];
      for (const internal::Contour2D& outline : internal::sliceContours(inside.data(), g.size[0], g.size[1])) {
        std::ostringstream data;
        for (size_t v = 0; v < outline.size(); ++v) {
          // In the slice's own plane (its Image Position), not the grid's: the two
          // differ where a series' slices are unevenly spaced.
          for (int a = 0; a < 3; ++a) {
            const double p = frame.position[a] + outline[v][0] * g.spacing[0] * g.direction[a * 3] +
                             outline[v][1] * g.spacing[1] * g.direction[a * 3 + 1];
            data << (v == 0 && a == 0 ? "" : "\\") << internal::decimalString(p);
          }
        }
        DRTContourSequence::Item* contour = nullptr;
        check(roiContour->getContourSequence().addItem(contour), outputPath, "contour");
        check(contour->setContourNumber(std::to_string(++contourNumber).c_str()), outputPath, "contour number");
        check(contour->setContourGeometricType("CLOSED_PLANAR"), outputPath, "contour type");
        check(contour->setNumberOfContourPoints(std::to_string(outline.size()).c_str()), outputPath, "point count");
        check(contour->setContourData(data.str().c_str(), OFFalse), outputPath, "contour data");
        DRTContourImageSequence::Item* image = nullptr;
        check(contour->getContourImageSequence().addItem(image), outputPath, "contour's image");
        check(image->setReferencedSOPClassUID(frame.sopClassUid.c_str()), outputPath, "contour image class");
        check(image->setReferencedSOPInstanceUID(frame.sopInstanceUid.c_str()), outputPath, "contour image UID");
      }
    }

    DRTRTROIObservationsSequence::Item* observation = nullptr;
    check(rt.getRTROIObservationsSequence().addItem(observation), outputPath, "observation");
    check(observation->setObservationNumber(number.c_str()), outputPath, "observation number");
    check(observation->setReferencedROINumber(number.c_str()), outputPath, "observation ROI");
    check(observation->setRTROIInterpretedType(interpretedType(codes).c_str()), outputPath, "interpreted type");
    check(observation->setROIInterpreter(""), outputPath, "interpreter");
  }
  if (roiNumber == 0) throw Error(outputPath, "the mask has no voxels of any described label: no RT Structure Set written");

  DcmFileFormat format;
  check(rt.write(*format.getDataset()), outputPath, "write");
  internal::saveAtomically(format, outputPath);
}

}  // namespace aunet::io
