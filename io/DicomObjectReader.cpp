#include "io/DicomObjectReader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmfg/fgseg.h>
#include <dcmtk/dcmiod/cielabutil.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <dcmtk/dcmseg/segutils.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

#include "core/Error.h"
#include "imaging/PolygonFill.h"
#include "io/ImageFormat.h"
#include "io/internal/DicomHeader.h"
#include "io/internal/DicomStructureCheck.h"

namespace aunet::io {

namespace fs = std::filesystem;
using core::Error;

namespace {

constexpr const char* kSegmentationStorage = "1.2.840.10008.5.1.4.1.1.66.4";
constexpr const char* kRtStructureSetStorage = "1.2.840.10008.5.1.4.1.1.481.3";

bool isDicomFile(const std::string& file) { return detectFormat(file) == ImageFormat::Dicom; }

std::string itemText(DcmItem& item, const DcmTagKey& tag) {
  OFString value;
  if (item.findAndGetOFStringArray(tag, value).bad()) return {};
  std::string s(value.c_str());
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

std::string referencedSeriesOf(internal::DicomHeader& header) {
  DcmItem* item = nullptr;
  if (header.dataset().findAndGetSequenceItem(DCM_ReferencedSeriesSequence, item, 0).good() && item)
    return itemText(*item, DCM_SeriesInstanceUID);
  // RTSTRUCT: Referenced Frame of Reference > RT Referenced Study > RT Referenced Series.
  DcmItem *frame = nullptr, *study = nullptr, *series = nullptr;
  if (header.dataset().findAndGetSequenceItem(DCM_ReferencedFrameOfReferenceSequence, frame, 0).good() && frame &&
      frame->findAndGetSequenceItem(DCM_RTReferencedStudySequence, study, 0).good() && study &&
      study->findAndGetSequenceItem(DCM_RTReferencedSeriesSequence, series, 0).good() && series)
    return itemText(*series, DCM_SeriesInstanceUID);
  return {};
}

// The image series a SEG/RTSTRUCT in `folder` refers to, when the folder holds it.
// Tries the largest series first, then the referenced UID; nullopt when none fits.
std::optional<DicomSourceSeries> seriesInFolder(const std::string& folder, const std::string& referencedUid) {
  // Only a folder with other DICOM files can hold the series (and scanning one without
  // any makes GDCM complain on stderr).
  bool others = false;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(folder, ec))
    if (e.is_regular_file(ec) && isDicomFile(e.path().string()) && dicomObjectKind(e.path().string()) == DicomObjectKind::None) {
      others = true;
      break;
    }
  if (!others) return std::nullopt;
  try {
    DicomSourceSeries source = readDicomSourceSeries(folder);
    if (referencedUid.empty() || source.seriesInstanceUid == referencedUid) return source;
    ReadOptions options;
    options.dicomSeriesUid = referencedUid;
    return readDicomSourceSeries(folder, options);
  } catch (const std::exception&) {
    return std::nullopt;  // no (matching) image series beside it
  }
}

// Where pixel (row, column) of a frame with this position and orientation falls on
// `grid`: voxel index = start + column * alongRow + row * alongColumn, each step a
// whole voxel along one axis. Throws when the frame's pixels are not the grid's voxels.
struct FramePlacement {
  std::array<int64_t, 3> start{};
  std::array<int64_t, 3> alongRow{};
  std::array<int64_t, 3> alongColumn{};
};

FramePlacement placeFrame(const core::Geometry& grid, const core::Vec3& position, const double orientation[6],
                          double rowSpacing, double columnSpacing, const std::string& file) {
  auto toIndex = [&](double row, double column) {
    core::Vec3 p;
    for (int a = 0; a < 3; ++a)
      p[a] = position[a] + column * columnSpacing * orientation[a] + row * rowSpacing * orientation[3 + a];
    const core::Vec3 index = grid.physicalToIndex(p);
    std::array<int64_t, 3> rounded{};
    for (int a = 0; a < 3; ++a) {
      rounded[a] = static_cast<int64_t>(std::llround(index[a]));
      if (std::abs(index[a] - static_cast<double>(rounded[a])) > 0.1)
        throw Error(file, "its frames do not lie on the series' voxels (a frame pixel falls " +
                              std::to_string(index[a] - static_cast<double>(rounded[a])) +
                              " voxels off the grid): it was made for another grid");
    }
    return rounded;
  };
  FramePlacement placement;
  placement.start = toIndex(0, 0);
  const auto nextColumn = toIndex(0, 1), nextRow = toIndex(1, 0);
  for (int a = 0; a < 3; ++a) {
    placement.alongRow[a] = nextColumn[a] - placement.start[a];
    placement.alongColumn[a] = nextRow[a] - placement.start[a];
  }
  return placement;
}

// A grid for SEG frames on their own: the frames' plane, their pixel spacing, and
// slices from the lowest to the highest frame position along the normal.
core::Geometry ownGrid(const std::vector<core::Vec3>& positions, const double orientation[6], double rowSpacing,
                       double columnSpacing, double sliceSpacing, int64_t rows, int64_t columns,
                       const std::string& file) {
  const core::Vec3 r{orientation[0], orientation[1], orientation[2]}, c{orientation[3], orientation[4], orientation[5]};
  const core::Vec3 n{r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
  std::vector<double> along;
  for (const auto& p : positions) along.push_back(p[0] * n[0] + p[1] * n[1] + p[2] * n[2]);
  std::vector<double> sorted = along;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end(), [](double a, double b) { return std::abs(a - b) < 1e-3; }),
               sorted.end());
  if (!(sliceSpacing > 0.0)) {
    sliceSpacing = 0.0;
    for (size_t s = 1; s < sorted.size(); ++s)
      sliceSpacing = sliceSpacing == 0.0 ? sorted[s] - sorted[s - 1] : std::min(sliceSpacing, sorted[s] - sorted[s - 1]);
    if (!(sliceSpacing > 0.0)) sliceSpacing = 1.0;
  }
  const size_t lowest = static_cast<size_t>(std::min_element(along.begin(), along.end()) - along.begin());
  core::Geometry g;
  g.size = {columns, rows, static_cast<int64_t>(std::llround((sorted.back() - sorted.front()) / sliceSpacing)) + 1};
  g.spacing = {columnSpacing, rowSpacing, sliceSpacing};
  for (int a = 0; a < 3; ++a) {
    g.direction[a * 3 + 0] = r[a];
    g.direction[a * 3 + 1] = c[a];
    g.direction[a * 3 + 2] = n[a];
  }
  // The origin: the lowest frame's position (its in-plane corner is the grid's).
  g.origin = positions[lowest];
  g.validate(file);
  return g;
}

// The source slice a frame says it was derived from (its Derivation Image's Source
// Image), or empty.
std::string sourceInstanceOf(FGInterface& groups, Uint32 frameNo) {
  auto* derivation = dynamic_cast<FGDerivationImage*>(groups.get(frameNo, DcmFGTypes::EFG_DERIVATIONIMAGE));
  if (!derivation) return {};
  for (DerivationImageItem* item : derivation->getDerivationImageItems())
    for (SourceImageItem* sourceImage : item->getSourceImageItems()) {
      OFString uid;
      if (sourceImage->getImageSOPInstanceReference().getReferencedSOPInstanceUID(uid).good() && !uid.empty())
        return uid.c_str();
    }
  return {};
}

DicomLabelObject readSeg(internal::DicomHeader& header, const std::optional<DicomSourceSeries>& source) {
  const std::string& file = header.file();
  DcmSegmentation* raw = nullptr;
  const OFCondition loaded = DcmSegmentation::loadFile(file.c_str(), raw);
  std::unique_ptr<DcmSegmentation> seg(raw);
  if (loaded.bad() || !seg) throw Error(file, std::string("not a readable DICOM SEG: ") + loaded.text());
  if (seg->getSegmentationType() != DcmSegTypes::ST_BINARY)
    throw Error(file, "a FRACTIONAL segmentation (probabilities); only BINARY SEGs are read as a label map");
  Uint16 rows = 0, columns = 0;
  header.dataset().findAndGetUint16(DCM_Rows, rows);
  header.dataset().findAndGetUint16(DCM_Columns, columns);
  FGInterface& groups = seg->getFunctionalGroups();
  const size_t frameCount = seg->getNumberOfFrames();
  if (frameCount == 0) throw Error(file, "a SEG without frames");

  // Geometry of every frame (orientation and spacing are usually shared).
  std::vector<core::Vec3> positions(frameCount);
  std::vector<Uint16> segmentOfFrame(frameCount);
  double orientation[6] = {};
  double rowSpacing = 0, columnSpacing = 0, sliceSpacing = 0;
  for (size_t f = 0; f < frameCount; ++f) {
    const auto frameNo = static_cast<Uint32>(f);
    auto* position = dynamic_cast<FGPlanePosPatient*>(groups.get(frameNo, DcmFGTypes::EFG_PLANEPOSPATIENT));
    auto* plane = dynamic_cast<FGPlaneOrientationPatient*>(groups.get(frameNo, DcmFGTypes::EFG_PLANEORIENTPATIENT));
    auto* measures = dynamic_cast<FGPixelMeasures*>(groups.get(frameNo, DcmFGTypes::EFG_PIXELMEASURES));
    auto* segment = dynamic_cast<FGSegmentation*>(groups.get(frameNo, DcmFGTypes::EFG_SEGMENTATION));
    if (!position || !plane || !measures || !segment)
      throw Error(file, "frame " + std::to_string(f + 1) +
                            " lacks its plane position, orientation, pixel measures or segment number");
    Float64 x = 0, y = 0, z = 0;
    position->getImagePositionPatient(x, y, z);
    positions[f] = {x, y, z};
    Float64 o[6] = {};
    plane->getImageOrientationPatient(o[0], o[1], o[2], o[3], o[4], o[5]);
    if (f == 0) {
      std::copy(o, o + 6, orientation);
      Float64 spacing = 0;
      measures->getPixelSpacing(spacing, 0);
      rowSpacing = spacing;  // between rows
      measures->getPixelSpacing(spacing, 1);
      columnSpacing = spacing;
      Float64 between = 0;
      if (measures->getSpacingBetweenSlices(between).good()) sliceSpacing = between;
    } else {
      for (int e = 0; e < 6; ++e)
        if (std::abs(o[e] - orientation[e]) > 1e-4)
          throw Error(file, "its frames lie in planes of different orientations; aunet reads SEGs of one plane");
    }
    segment->getReferencedSegmentNumber(segmentOfFrame[f]);
  }
  if (!(rowSpacing > 0 && columnSpacing > 0)) throw Error(file, "no pixel spacing in the SEG");

  DicomLabelObject result;
  result.kind = DicomObjectKind::Segmentation;
  const core::Geometry grid = source ? source->geometry
                                     : ownGrid(positions, orientation, rowSpacing, columnSpacing, sliceSpacing, rows,
                                               columns, file);
  result.labels = core::LabelMap(grid);
  // With its series, a frame lands on the slice it references (exact even where the
  // series' slices are unevenly spaced and the grid's positions are approximate),
  // provided it lies in that slice's plane; otherwise through physical space.
  std::map<std::string, int64_t> sliceOfInstance;
  bool sameOrientation = source.has_value();
  if (source) {
    for (size_t k = 0; k < source->frames.size(); ++k) sliceOfInstance[source->frames[k].sopInstanceUid] = static_cast<int64_t>(k);
    for (int a = 0; a < 3; ++a)
      sameOrientation = sameOrientation && std::abs(grid.direction[a * 3] - orientation[a]) < 1e-4 &&
                        std::abs(grid.direction[a * 3 + 1] - orientation[3 + a]) < 1e-4;
  }
  int64_t overlapping = 0;
  for (size_t f = 0; f < frameCount; ++f) {
    FramePlacement place;
    const auto slice = sameOrientation ? sliceOfInstance.find(sourceInstanceOf(groups, static_cast<Uint32>(f)))
                                       : sliceOfInstance.end();
    if (slice != sliceOfInstance.end() && rows == grid.size[1] && columns == grid.size[0]) {
      place.start = {0, 0, slice->second};
      place.alongRow = {1, 0, 0};
      place.alongColumn = {0, 1, 0};
    } else {
      place = placeFrame(grid, positions[f], orientation, rowSpacing, columnSpacing, file);
    }
    const DcmIODTypes::Frame* packed = seg->getFrame(f);
    if (!packed) throw Error(file, "frame " + std::to_string(f + 1) + " has no pixel data");
    std::unique_ptr<DcmIODTypes::Frame> frame(DcmSegUtils::unpackBinaryFrame(packed, rows, columns));
    if (!frame) throw Error(file, "frame " + std::to_string(f + 1) + " cannot be unpacked");
    const uint16_t label = segmentOfFrame[f];
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < columns; ++c) {
        if (!frame->pixData[r * columns + c]) continue;
        int64_t index[3];
        for (int a = 0; a < 3; ++a) index[a] = place.start[a] + c * place.alongRow[a] + r * place.alongColumn[a];
        if (index[0] < 0 || index[1] < 0 || index[2] < 0 || index[0] >= grid.size[0] || index[1] >= grid.size[1] ||
            index[2] >= grid.size[2])
          throw Error(file, "frame " + std::to_string(f + 1) + " reaches outside the series' grid");
        uint16_t& voxel = result.labels.at(index[0], index[1], index[2]);
        if (voxel != 0 && voxel != label) ++overlapping;
        voxel = label;
      }
  }
  if (overlapping > 0)
    result.warnings.push_back(std::to_string(overlapping) +
                              " voxel(s) belong to more than one segment; the label map keeps the higher segment");

  for (size_t n = 1; n <= seg->getNumberOfSegments(); ++n) {
    DcmSegment* segment = seg->getSegment(n);
    if (!segment) continue;
    DicomSegment d;
    d.label = static_cast<uint16_t>(n);
    OFString name;
    segment->getSegmentLabel(name);
    d.name = name.c_str();
    Uint16 L = 0, a = 0, b = 0;
    if (segment->getRecommendedDisplayCIELabValue(L, a, b).good()) {
      double R = 0, G = 0, B = 0;
      IODCIELabUtil::dicomLab2RGB(R, G, B, L, a, b);
      d.color = {static_cast<uint8_t>(std::clamp(R, 0.0, 1.0) * 255.0 + 0.5),
                 static_cast<uint8_t>(std::clamp(G, 0.0, 1.0) * 255.0 + 0.5),
                 static_cast<uint8_t>(std::clamp(B, 0.0, 1.0) * 255.0 + 0.5)};
    }
    auto code = [](CodeSequenceMacro& macro) {
      OFString value, scheme, meaning;
      macro.getCodeValue(value);
      macro.getCodingSchemeDesignator(scheme);
      macro.getCodeMeaning(meaning);
      return DicomCode{value.c_str(), scheme.c_str(), meaning.c_str()};
    };
    d.category = code(segment->getSegmentedPropertyCategoryCode());
    d.type = code(segment->getSegmentedPropertyTypeCode());
    result.segments.push_back(d);
  }
  return result;
}

DicomLabelObject readRtStructure(internal::DicomHeader& header, const DicomSourceSeries& source) {
  const std::string& file = header.file();
  DcmDataset& ds = header.dataset();
  DicomLabelObject result;
  result.kind = DicomObjectKind::RtStruct;
  const core::Geometry& g = source.geometry;
  result.labels = core::LabelMap(g);

  // ROI number -> name, in the order the structure set lists them.
  std::map<std::string, DicomSegment> rois;
  std::vector<std::string> order;
  DcmSequenceOfItems* roiSequence = nullptr;
  if (ds.findAndGetSequence(DCM_StructureSetROISequence, roiSequence).bad() || !roiSequence)
    throw Error(file, "an RT Structure Set without a Structure Set ROI Sequence");
  for (unsigned long n = 0; n < roiSequence->card(); ++n) {
    DcmItem* item = roiSequence->getItem(n);
    const std::string number = itemText(*item, DCM_ROINumber);
    DicomSegment d;
    d.label = static_cast<uint16_t>(order.size() + 1);
    d.name = itemText(*item, DCM_ROIName);
    rois[number] = d;
    order.push_back(number);
  }

  const int64_t sliceVoxels = g.size[0] * g.size[1];
  std::vector<uint8_t> parity(static_cast<size_t>(sliceVoxels));
  std::map<std::string, int64_t> sliceOfInstance;
  for (size_t k = 0; k < source.frames.size(); ++k) sliceOfInstance[source.frames[k].sopInstanceUid] = static_cast<int64_t>(k);
  DcmSequenceOfItems* contours = nullptr;
  if (ds.findAndGetSequence(DCM_ROIContourSequence, contours).good() && contours) {
    for (unsigned long n = 0; n < contours->card(); ++n) {
      DcmItem* item = contours->getItem(n);
      const std::string number = itemText(*item, DCM_ReferencedROINumber);
      if (!rois.count(number)) {
        result.warnings.push_back("contours of ROI " + number + ", which the structure set does not list, skipped");
        continue;
      }
      DicomSegment& roi = rois[number];
      const std::vector<double> color = internal::parseDicomNumbers(itemText(*item, DCM_ROIDisplayColor));
      if (color.size() == 3)
        roi.color = {static_cast<uint8_t>(color[0]), static_cast<uint8_t>(color[1]), static_cast<uint8_t>(color[2])};
      // Outlines per slice, then the even-odd fill of each slice's outlines.
      std::map<int64_t, std::vector<imaging::Polygon2D>> slices;
      DcmSequenceOfItems* contourSequence = nullptr;
      if (item->findAndGetSequence(DCM_ContourSequence, contourSequence).bad() || !contourSequence) continue;
      for (unsigned long c = 0; c < contourSequence->card(); ++c) {
        DcmItem* contour = contourSequence->getItem(c);
        const std::string type = itemText(*contour, DCM_ContourGeometricType);
        if (type != "CLOSED_PLANAR") {
          if (type != "POINT")
            result.warnings.push_back("ROI " + roi.name + ": a " + type + " contour is not an area and was skipped");
          continue;
        }
        const std::vector<double> points = internal::parseDicomNumbers(itemText(*contour, DCM_ContourData));
        if (points.size() < 9 || points.size() % 3 != 0) throw Error(file, "ROI " + roi.name + ": malformed Contour Data");
        // The slice: the one the contour references, else the nearest by position.
        int64_t k = -1;
        DcmItem* image = nullptr;
        if (contour->findAndGetSequenceItem(DCM_ContourImageSequence, image, 0).good() && image) {
          const auto found = sliceOfInstance.find(itemText(*image, DCM_ReferencedSOPInstanceUID));
          if (found != sliceOfInstance.end()) k = found->second;
        }
        imaging::Polygon2D polygon;
        double sliceIndex = 0;
        for (size_t p = 0; p < points.size(); p += 3) {
          core::Vec3 point{points[p], points[p + 1], points[p + 2]};
          if (k >= 0)  // in-plane position relative to that slice's own origin
            for (int a = 0; a < 3; ++a) point[a] += g.origin[a] + static_cast<double>(k) * g.spacing[2] * g.direction[a * 3 + 2] -
                                                   source.frames[static_cast<size_t>(k)].position[a];
          const core::Vec3 index = g.physicalToIndex(point);
          polygon.push_back({index[0], index[1]});
          sliceIndex += index[2];
        }
        sliceIndex /= static_cast<double>(polygon.size());
        if (k < 0) k = static_cast<int64_t>(std::llround(sliceIndex));
        if (std::abs(sliceIndex - static_cast<double>(k)) > 0.25 || k < 0 || k >= g.size[2]) {
          result.warnings.push_back("ROI " + roi.name + ": a contour off the series' slices (slice index " +
                                    std::to_string(sliceIndex) + ") was skipped");
          continue;
        }
        slices[k].push_back(std::move(polygon));
      }
      for (const auto& [k, outlines] : slices) {
        std::fill(parity.begin(), parity.end(), 0);
        for (const auto& outline : outlines) imaging::togglePolygonInterior(outline, g.size[0], g.size[1], parity.data());
        uint16_t* slice = result.labels.data() + k * sliceVoxels;
        for (int64_t v = 0; v < sliceVoxels; ++v)
          if (parity[static_cast<size_t>(v)]) slice[v] = roi.label;
      }
    }
  }
  for (const std::string& number : order) result.segments.push_back(rois[number]);
  return result;
}

}  // namespace

DicomObjectKind dicomObjectKind(const std::string& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || !isDicomFile(file)) return DicomObjectKind::None;
  if (!internal::findDicomStructureProblem(file).empty()) return DicomObjectKind::None;
  try {
    const internal::DicomHeader header(file);
    const std::string sopClass = header.sopClassUid();
    if (sopClass == kSegmentationStorage) return DicomObjectKind::Segmentation;
    if (sopClass == kRtStructureSetStorage) return DicomObjectKind::RtStruct;
  } catch (const std::exception&) {
  }
  return DicomObjectKind::None;
}

std::string findDicomLabelObject(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return dicomObjectKind(path) == DicomObjectKind::None ? std::string() : path;
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(path, ec))
    if (e.is_regular_file(ec)) files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::string rtstruct;
  for (const std::string& f : files) {
    const DicomObjectKind kind = dicomObjectKind(f);
    if (kind == DicomObjectKind::Segmentation) return f;  // a SEG is exact; prefer it
    if (kind == DicomObjectKind::RtStruct && rtstruct.empty()) rtstruct = f;
  }
  return rtstruct;
}

DicomLabelObject readDicomLabelObject(const std::string& path, const std::string& sourceSeries) {
  const std::string file = findDicomLabelObject(path);
  if (file.empty()) throw Error(path, "holds no DICOM SEG or RT Structure Set");
  internal::DicomHeader header(file);
  const std::string referenced = referencedSeriesOf(header);
  const DicomObjectKind kind =
      header.sopClassUid() == kSegmentationStorage ? DicomObjectKind::Segmentation : DicomObjectKind::RtStruct;
  std::vector<std::string> warnings;
  std::optional<DicomSourceSeries> source;
  if (!sourceSeries.empty()) {
    source = readDicomSourceSeries(sourceSeries);
    if (!referenced.empty() && source->seriesInstanceUid != referenced)
      warnings.push_back("it references series " + referenced + ", not " + source->seriesInstanceUid + " (" +
                         sourceSeries + "); mapped through physical space");
  } else {
    source = seriesInFolder(fs::path(file).parent_path().string(), referenced);
  }
  DicomLabelObject result;
  if (kind == DicomObjectKind::Segmentation) {
    result = readSeg(header, source);
  } else {
    if (!source)
      throw Error(file, "an RT Structure Set needs its image series to be drawn on a grid: give it with "
                        "--source-series (or keep the series in the same folder)");
    result = readRtStructure(header, *source);
  }
  result.referencedSeriesUid = referenced;
  result.warnings.insert(result.warnings.begin(), warnings.begin(), warnings.end());
  result.labels.metadata().sourcePath = file;
  result.labels.metadata().warnings = result.warnings;
  return result;
}

}  // namespace aunet::io
