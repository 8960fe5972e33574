// writeDicomSeg(): a BINARY DICOM Segmentation through DCMTK's dcmseg, laid out the
// way highdicom and dcmqi do it (one frame per segment and source slice that holds
// any of it; empty frames left out; each frame references its source slice).
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmiod/cielabutil.h>
#include <dcmtk/dcmiod/iodreferences.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>

#include <memory>
#include <set>

#include "core/Error.h"
#include "io/DicomCodes.h"
#include "io/DicomObjectWriter.h"
#include "io/internal/DicomHeader.h"
#include "io/internal/DicomUid.h"
#include "io/internal/DicomWriting.h"
#include "io/internal/MaskOnSourceGrid.h"

namespace aunet::io {

using core::Error;

namespace {

void check(const OFCondition& status, const std::string& path, const std::string& what) {
  if (status.bad()) throw Error(path, "cannot build the DICOM SEG (" + what + "): " + status.text());
}

CodeSequenceMacro codeOf(const DicomCode& code) {
  return CodeSequenceMacro(code.value.c_str(), code.scheme.c_str(), code.meaning.c_str());
}

// DICOM LO: at most 64 characters, no backslash.
std::string longString(std::string s) {
  for (char& c : s)
    if (c == '\\') c = '/';
  return s.substr(0, 64);
}

}  // namespace

void writeDicomSeg(const core::LabelMap& mask, const DicomSourceSeries& source,
                   const std::vector<DicomSegment>& segments, const DicomAlgorithm& algorithm,
                   const std::string& outputPath) {
  const core::LabelMap labels = internal::maskOnSourceGrid(mask, source.geometry, mask.metadata().sourcePath.empty()
                                                                                      ? std::string("mask")
                                                                                      : mask.metadata().sourcePath);
  const core::Geometry& g = labels.geometry();
  const auto columns = static_cast<Uint16>(g.size[0]), rows = static_cast<Uint16>(g.size[1]);
  const int64_t sliceVoxels = g.size[0] * g.size[1];

  const std::string software = algorithm.version.empty() ? "unknown" : algorithm.version;
  IODGeneralEquipmentModule::EquipmentInfo equipment("aunet", algorithm.modelName.empty() ? "aunet" : algorithm.modelName,
                                                     "1", software.c_str());
  ContentIdentificationMacro content("1", "SEGMENTATION", "Segmentation by aunet", "aunet");
  DcmSegmentation* raw = nullptr;
  check(DcmSegmentation::createBinarySegmentation(raw, rows, columns, equipment, content), outputPath, "create");
  std::unique_ptr<DcmSegmentation> seg(raw);

  // Patient, study and frame of reference as the source has them.
  internal::DicomHeader first(source.frames.front().file);
  internal::completeSourceUids(first.dataset(), source, source.frames.front());
  check(seg->importFromSourceImage(first.dataset(), OFTrue), outputPath, "import the source's patient and study");
  check(seg->getStudy().setStudyInstanceUID(source.studyInstanceUid.c_str()), outputPath, "study");
  check(seg->getFrameOfReference().setFrameOfReferenceUID(source.frameOfReferenceUid.c_str()), outputPath, "frame");
  check(seg->getSeries().setSeriesInstanceUID(internal::newDicomUid().c_str()), outputPath, "series");
  check(seg->getSeries().setSeriesNumber("901"), outputPath, "series number");
  check(seg->getSeries().setSeriesDescription(longString("aunet " + algorithm.modelName).c_str()), outputPath,
        "series description");
  check(seg->getSOPCommon().setSOPInstanceUID(internal::newDicomUid().c_str()), outputPath, "instance");

  // Geometry shared by every frame: the source's pixel spacing and orientation.
  FGPixelMeasures measures;
  const std::string pixelSpacing = internal::decimalString(g.spacing[1]) + "\\" + internal::decimalString(g.spacing[0]);
  check(measures.setPixelSpacing(pixelSpacing.c_str()), outputPath, "pixel spacing");
  check(measures.setSliceThickness(internal::decimalString(g.spacing[2]).c_str()), outputPath, "slice thickness");
  check(measures.setSpacingBetweenSlices(internal::decimalString(g.spacing[2]).c_str()), outputPath, "slice spacing");
  check(seg->addForAllFrames(measures), outputPath, "pixel measures");
  const std::vector<std::string> iop = internal::splitValues(source.imageOrientationPatient);
  if (iop.size() != 6) throw Error(source.path, "has no usable Image Orientation (Patient)");
  std::unique_ptr<FGPlaneOrientationPatient> orientation(
      FGPlaneOrientationPatient::createMinimal(iop[0].c_str(), iop[1].c_str(), iop[2].c_str(), iop[3].c_str(),
                                               iop[4].c_str(), iop[5].c_str()));
  check(seg->addForAllFrames(*orientation), outputPath, "orientation");

  const std::string dimensionUid = internal::newDicomUid();
  check(seg->getDimensions().addDimensionIndex(DCM_ReferencedSegmentNumber, dimensionUid.c_str(),
                                               DCM_SegmentIdentificationSequence, "ReferencedSegmentNumber"),
        outputPath, "segment dimension");
  check(seg->getDimensions().addDimensionIndex(DCM_ImagePositionPatient, dimensionUid.c_str(),
                                               DCM_PlanePositionSequence, "ImagePositionPatient"),
        outputPath, "position dimension");

  std::set<uint16_t> present(labels.labels().begin(), labels.labels().end());
  std::vector<Uint8> pixels(static_cast<size_t>(sliceVoxels));
  size_t frames = 0;
  for (const DicomSegment& description : segments) {
    if (description.label == 0 || !present.count(description.label)) continue;
    const DicomSegmentCodes known = dicomCodesForLabel(description.name);
    const DicomCode category = description.category.empty() ? known.category : description.category;
    const DicomCode type = description.type.empty() ? known.type : description.type;
    DcmSegment* segment = nullptr;
    check(DcmSegment::create(segment, longString(description.name).c_str(), codeOf(category), codeOf(type),
                             algorithm.automatic ? DcmSegTypes::SAT_AUTOMATIC : DcmSegTypes::SAT_MANUAL,
                             algorithm.automatic ? longString("aunet " + algorithm.modelName).c_str() : ""),
          outputPath, "segment " + description.name);
    double L = 0, a = 0, b = 0;
    IODCIELabUtil::rgb2DicomLab(L, a, b, description.color[0] / 255.0, description.color[1] / 255.0,
                                description.color[2] / 255.0);
    segment->setRecommendedDisplayCIELabValue(static_cast<Uint16>(L), static_cast<Uint16>(a), static_cast<Uint16>(b));
    Uint16 segmentNumber = 0;
    const OFCondition added = seg->addSegment(segment, segmentNumber);
    if (added.bad()) delete segment;
    check(added, outputPath, "add segment " + description.name);

    for (int64_t k = 0; k < g.size[2]; ++k) {
      const uint16_t* slice = labels.data() + k * sliceVoxels;
      bool any = false;
      for (int64_t v = 0; v < sliceVoxels; ++v) {
        pixels[static_cast<size_t>(v)] = slice[v] == description.label ? 1 : 0;
        any = any || pixels[static_cast<size_t>(v)];
      }
      if (!any) continue;  // empty frames are not written
      const DicomSourceFrame& frame = source.frames[static_cast<size_t>(k)];
      const std::vector<std::string> ipp = internal::splitValues(frame.imagePositionPatient);
      std::unique_ptr<FGPlanePosPatient> position(
          FGPlanePosPatient::createMinimal(ipp[0].c_str(), ipp[1].c_str(), ipp[2].c_str()));
      FGFrameContent frameContent;
      check(frameContent.setDimensionIndexValues(segmentNumber, 0), outputPath, "frame content");
      check(frameContent.setDimensionIndexValues(static_cast<Uint32>(k + 1), 1), outputPath, "frame content");
      OFVector<ImageSOPInstanceReferenceMacro> sourceImages(1);
      sourceImages[0].setReferencedSOPClassUID(frame.sopClassUid.c_str());
      sourceImages[0].setReferencedSOPInstanceUID(frame.sopInstanceUid.c_str());
      std::unique_ptr<FGDerivationImage> derivation(FGDerivationImage::createMinimal(
          sourceImages, "Segmentation by aunet", CodeSequenceMacro("113076", "DCM", "Segmentation"),
          CodeSequenceMacro("121322", "DCM", "Source image for image processing operation")));
      OFVector<FGBase*> perFrame;
      perFrame.push_back(position.get());
      perFrame.push_back(&frameContent);
      perFrame.push_back(derivation.get());
      check(seg->addFrame(pixels.data(), segmentNumber, perFrame), outputPath, "frame");
      ++frames;
    }
  }
  if (frames == 0) throw Error(outputPath, "the mask has no voxels of any described label: no DICOM SEG written");

  // Referenced Series Sequence: every slice of the source series.
  IODReferences references;
  for (const DicomSourceFrame& frame : source.frames)
    references.add(new IODImageReference("", source.studyInstanceUid.c_str(), source.seriesInstanceUid.c_str(),
                                         frame.sopInstanceUid.c_str(), frame.sopClassUid.c_str()));
  seg->getCommonInstanceReference().addReferences(references, source.studyInstanceUid.c_str());

  DcmFileFormat format;
  check(seg->writeDataset(*format.getDataset()), outputPath, "write");
  internal::saveAtomically(format, outputPath);
}

}  // namespace aunet::io
