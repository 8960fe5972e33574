#include "io/DicomSourceSeries.h"

#include <dcmtk/dcmdata/dcdeftag.h>

#include <cmath>
#include <filesystem>

#include "core/Error.h"
#include "io/DicomSeriesScanner.h"
#include "io/ImageFormat.h"
#include "io/internal/DicomHeader.h"
#include "io/internal/DicomUid.h"

namespace aunet::io {

namespace fs = std::filesystem;
using core::Error;

namespace {

core::Vec3 cross(const core::Vec3& a, const core::Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

double dot(const core::Vec3& a, const double* b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

}  // namespace

bool isDicomInput(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return true;
  return detectFormat(path) == ImageFormat::Dicom;
}

DicomSourceSeries readDicomSourceSeries(const std::string& path, const ReadOptions& options) {
  if (!isDicomInput(path)) throw Error(path, "not a DICOM series (a folder or a .dcm file is expected)");
  const DicomSeriesInfo series = selectDicomSeries(path, options.dicomSeriesUid, options.dicomRecursive);
  DicomSourceSeries source;
  source.path = path;
  std::vector<double> iop, spacing;
  for (const std::string& file : series.files) {
    const internal::DicomHeader header(file);
    DicomSourceFrame frame;
    frame.file = file;
    frame.sopClassUid = header.sopClassUid();
    frame.sopInstanceUid = header.sopInstanceUid();
    frame.imagePositionPatient = header.allValues(DCM_ImagePositionPatient);
    const std::vector<double> position = header.numbers(DCM_ImagePositionPatient);
    if (frame.sopInstanceUid.empty())
      throw Error(file, "has no SOP Instance UID, in its data set or its file meta header: it cannot be referenced");
    if (position.size() != 3) throw Error(file, "has no Image Position (Patient): its slice cannot be placed");
    if (header.text(DCM_NumberOfFrames).size() > 0 && header.numbers(DCM_NumberOfFrames).front() > 1)
      throw Error(file, "is a multi-frame image; SEG/RTSTRUCT output needs a series of single-frame slices");
    for (int a = 0; a < 3; ++a) frame.position[a] = position[a];
    if (source.frames.empty()) {
      source.studyInstanceUid = header.text(DCM_StudyInstanceUID);
      source.seriesInstanceUid = header.text(DCM_SeriesInstanceUID);
      source.frameOfReferenceUid = header.text(DCM_FrameOfReferenceUID);
      source.imageOrientationPatient = header.allValues(DCM_ImageOrientationPatient);
      source.modality = header.text(DCM_Modality);
      iop = header.numbers(DCM_ImageOrientationPatient);
      spacing = header.numbers(DCM_PixelSpacing);
      const auto rows = header.numbers(DCM_Rows), columns = header.numbers(DCM_Columns);
      if (iop.size() != 6) throw Error(file, "has no Image Orientation (Patient)");
      if (spacing.size() != 2) throw Error(file, "has no Pixel Spacing");
      if (rows.empty() || columns.empty()) throw Error(file, "has no Rows/Columns");
      source.geometry.size = {static_cast<int64_t>(columns[0]), static_cast<int64_t>(rows[0]),
                              static_cast<int64_t>(series.files.size())};
    }
    source.frames.push_back(std::move(frame));
  }
  if (source.frames.empty()) throw Error(path, "no DICOM image slices found");

  // The grid as readDicom() builds it (ITK's): i along the rows' direction, j down the
  // columns, k along the normal in the order the slices were sorted.
  const core::Vec3 row{iop[0], iop[1], iop[2]}, column{iop[3], iop[4], iop[5]};
  const core::Vec3 normal = cross(row, column);
  core::Geometry& g = source.geometry;
  for (int a = 0; a < 3; ++a) {
    g.direction[a * 3 + 0] = row[a];
    g.direction[a * 3 + 1] = column[a];
    g.direction[a * 3 + 2] = normal[a];
    g.origin[a] = source.frames.front().position[a];
  }
  g.spacing[0] = spacing[1];  // Pixel Spacing is (between rows, between columns)
  g.spacing[1] = spacing[0];
  g.spacing[2] = 1.0;
  if (source.frames.size() > 1) {
    const double first = dot(normal, source.frames.front().position);
    const double last = dot(normal, source.frames.back().position);
    g.spacing[2] = std::abs(last - first) / static_cast<double>(source.frames.size() - 1);
    if (!(g.spacing[2] > 0.0)) throw Error(path, "all slices of the series share one position");
  }
  g.validate(path);
  // Slices shifted across their plane by more than a tenth of a pixel: a tilted gantry.
  if (source.frames.size() > 1) {
    const auto& a = source.frames.front().position;
    const auto& b = source.frames.back().position;
    const double d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    const double inRow = dot(row, d), inColumn = dot(column, d), along = dot(normal, d);
    const double across = std::hypot(inRow, inColumn);
    if (across > 0.1 * std::min(g.spacing[0], g.spacing[1])) {
      source.tilted = true;
      source.tiltDegrees = std::atan2(across, std::abs(along)) * 180.0 / M_PI;
    }
  }

  // Badly anonymised series: the data sets' Study/Series UIDs are empty. Derive them
  // from what identifies the series physically, so every object written for it agrees.
  if (source.studyInstanceUid.empty() || source.seriesInstanceUid.empty()) {
    const std::string seed = source.frameOfReferenceUid.empty() ? source.frames.front().sopInstanceUid
                                                                : source.frameOfReferenceUid;
    std::string derived;
    if (source.studyInstanceUid.empty()) {
      source.studyInstanceUid = internal::derivedDicomUid("aunet study " + seed);
      derived += "Study Instance UID " + source.studyInstanceUid;
    }
    if (source.seriesInstanceUid.empty()) {
      source.seriesInstanceUid = internal::derivedDicomUid("aunet series " + seed);
      derived += std::string(derived.empty() ? "" : ", ") + "Series Instance UID " + source.seriesInstanceUid;
    }
    source.derivedUids = true;
    source.warnings.push_back("the series' data sets have empty Study/Series UIDs (badly anonymised?): "
                              "referencing them as " + derived);
  }
  if (source.frameOfReferenceUid.empty()) {
    source.frameOfReferenceUid = internal::derivedDicomUid("aunet frame of reference " + source.seriesInstanceUid);
    source.warnings.push_back("the series has no Frame of Reference UID: using " + source.frameOfReferenceUid);
  }
  return source;
}

}  // namespace aunet::io
