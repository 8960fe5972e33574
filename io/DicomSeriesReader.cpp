#include "io/DicomSeriesReader.h"

#include <gdcmScanner.h>
#include <itkGDCMImageIO.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageSeriesReader.h>
#include <itkVectorImage.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "io/DicomSeriesScanner.h"
#include "core/Error.h"
#include "io/internal/GantryTilt.h"
#include "io/internal/ItkSupport.h"
#include "io/internal/SizeChecks.h"

namespace aunet::io {

using core::Error;

namespace {

using FloatImage = itk::Image<float, 3>;
using ColorImage = itk::VectorImage<float, 3>;

const gdcm::Tag kPosition(0x0020, 0x0032);     // Image Position (Patient)
const gdcm::Tag kOrientation(0x0020, 0x0037);  // Image Orientation (Patient)

std::vector<double> parseNumbers(const char* text) {
  std::vector<double> values;
  if (!text) return values;
  std::string s(text);
  std::replace(s.begin(), s.end(), '\\', ' ');
  std::istringstream in(s);
  double v;
  while (in >> v) values.push_back(v);
  return values;
}

std::string tagValue(const itk::GDCMImageIO& io, const char* key) {
  std::string value;
  if (!const_cast<itk::GDCMImageIO&>(io).GetValueFromTag(key, value)) return {};
  while (!value.empty() && (value.back() == ' ' || value.back() == '\0')) value.pop_back();
  return value;
}

std::optional<double> firstNumber(const std::string& text) {
  const auto values = parseNumbers(text.c_str());
  if (values.empty()) return std::nullopt;
  return values.front();
}

// Checks that slice positions along the normal are evenly spaced. Returns an empty
// string when they are, else a description of the problem.
std::string checkSlicePositions(const std::vector<std::string>& files, double* meanGap) {
  gdcm::Scanner scanner;
  scanner.AddTag(kPosition);
  scanner.AddTag(kOrientation);
  if (!scanner.Scan(files)) return {};
  const auto iop = parseNumbers(scanner.GetValue(files.front().c_str(), kOrientation));
  if (iop.size() != 6) return {};
  const double normal[3] = {iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5],
                            iop[0] * iop[4] - iop[1] * iop[3]};
  std::vector<double> positions;
  for (const std::string& f : files) {
    const auto ipp = parseNumbers(scanner.GetValue(f.c_str(), kPosition));
    if (ipp.size() != 3) return "slice " + f + " has no Image Position (Patient)";
    positions.push_back(ipp[0] * normal[0] + ipp[1] * normal[1] + ipp[2] * normal[2]);
  }
  std::sort(positions.begin(), positions.end());
  std::vector<double> gaps;
  for (size_t s = 1; s < positions.size(); ++s) gaps.push_back(positions[s] - positions[s - 1]);
  if (gaps.empty()) return {};
  std::vector<double> sorted = gaps;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double median = sorted[sorted.size() / 2];
  *meanGap = (positions.back() - positions.front()) / static_cast<double>(gaps.size());
  if (median < 1e-4) return "several slices share the same position (mixed acquisitions in one series?)";
  // Scanners jitter positions by micrometres; 5% of a slice is a real irregularity.
  const double tolerance = std::max(1e-3, 0.05 * median);
  for (size_t s = 0; s < gaps.size(); ++s) {
    if (std::abs(gaps[s] - median) <= tolerance) continue;
    std::ostringstream msg;
    if (gaps[s] < tolerance) {
      msg << "two slices share the position " << positions[s] << " mm along the normal";
    } else if (std::abs(gaps[s] / median - std::round(gaps[s] / median)) < 0.05) {
      msg << "missing slice(s): a gap of " << gaps[s] << " mm after slice " << s << " where the spacing is " << median
          << " mm";
    } else {
      msg << "uneven slice spacing: a gap of " << gaps[s] << " mm after slice " << s << " where the spacing is "
          << median << " mm";
    }
    return msg.str();
  }
  return {};
}

// The slices' in-plane axes (Image Orientation of the first) and every Image
// Position, in stack order; none when a slice lacks them.
struct SliceStack {
  core::Vec3 row, column;
  std::vector<core::Vec3> positions;
};
std::optional<SliceStack> sliceStack(const std::vector<std::string>& files) {
  gdcm::Scanner scanner;
  scanner.AddTag(kPosition);
  scanner.AddTag(kOrientation);
  if (!scanner.Scan(files)) return std::nullopt;
  const auto iop = parseNumbers(scanner.GetValue(files.front().c_str(), kOrientation));
  if (iop.size() != 6) return std::nullopt;
  SliceStack stack{{iop[0], iop[1], iop[2]}, {iop[3], iop[4], iop[5]}, {}};
  for (const std::string& f : files) {
    const auto ipp = parseNumbers(scanner.GetValue(f.c_str(), kPosition));
    if (ipp.size() != 3) return std::nullopt;
    stack.positions.push_back({ipp[0], ipp[1], ipp[2]});
  }
  return stack;
}

std::string degreesText(double degrees) {
  std::ostringstream out;
  out.precision(degrees < 10 ? 2 : 3);
  out << degrees;
  return out.str();
}

// A slice cut short inside its pixel data reads without complaint (the decoder pads
// it), so look at the Pixel Data element itself: find its header in the first bytes
// of the file (explicit or implicit VR little endian) and check that the file holds
// the value it announces. Encapsulated (compressed) data has no length here and is
// left to its decoder; so are files whose pixel data starts past the window.
std::string truncatedPixelData(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(0, std::ios::end);
  const auto size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  std::string head(static_cast<size_t>(std::min<uint64_t>(size, 256 * 1024)), '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  auto le32 = [&](size_t at) {
    uint32_t v = 0;
    for (int b = 0; b < 4; ++b) v |= static_cast<uint32_t>(static_cast<unsigned char>(head[at + b])) << (8 * b);
    return v;
  };
  static const std::string tag("\xe0\x7f\x10\x00", 4);
  for (size_t at = head.find(tag, 132); at != std::string::npos && at + 12 <= head.size(); at = head.find(tag, at + 1)) {
    uint64_t valueStart = 0, length = 0;
    const std::string vr = head.substr(at + 4, 2);
    if ((vr == "OW" || vr == "OB") && head[at + 6] == 0 && head[at + 7] == 0) {
      length = le32(at + 8);
      valueStart = at + 12;
    } else {
      length = le32(at + 4);
      valueStart = at + 8;
    }
    if (length == 0xffffffffu) return {};  // encapsulated
    if (valueStart + length > size)
      return "slice " + file + " is truncated: its pixel data needs " + std::to_string(length) + " bytes, the file ends " +
             std::to_string(valueStart + length - size) + " bytes early";
    return {};
  }
  return {};
}

// Reads the header first and refuses sizes the file or the memory cannot hold, so a
// crafted header never makes ITK allocate what it claims.
template <typename Reader>
typename Reader::OutputImageType::Pointer readAfterSizeCheck(Reader& reader, const std::string& path,
                                                             const ReadOptions& options, int components) {
  reader.UpdateOutputInformation();
  const auto size = reader.GetOutput()->GetLargestPossibleRegion().GetSize();
  core::Geometry claimed;
  claimed.size = {static_cast<int64_t>(size[0]), static_cast<int64_t>(size[1]), static_cast<int64_t>(size[2])};
  internal::checkAllocation(path, claimed, components, 2, options);
  reader.Update();
  return reader.GetOutput();
}

// The series (or one file) as an ITK image of `ImageT`: float for grey levels, a
// float vector image for colour (GDCM turns YBR and palette colour into RGB).
template <typename ImageT>
typename ImageT::Pointer readSeries(itk::GDCMImageIO& io, const DicomSeriesInfo& series, const std::string& path,
                                    const ReadOptions& options, int components) {
  if (series.files.size() == 1) {
    // One file: a single slice or a multi-frame object.
    auto reader = itk::ImageFileReader<ImageT>::New();
    reader->SetImageIO(&io);
    reader->SetFileName(series.files.front());
    return readAfterSizeCheck(*reader, path, options, components);
  }
  auto reader = itk::ImageSeriesReader<ImageT>::New();
  reader->SetImageIO(&io);
  reader->SetFileNames(series.files);
  // Slice spacing was checked above, with a message naming the file; keep ITK's
  // own warning off stderr.
  reader->SetSpacingWarningRelThreshold(1e9);
  return readAfterSizeCheck(*reader, path, options, components);
}

// Samples per pixel as the decoder will deliver them (3 for RGB, YBR and palette
// colour, which GDCM expands to RGB), from the first file's header.
int componentsOf(const std::string& file) {
  auto probe = itk::GDCMImageIO::New();
  probe->SetFileName(file);
  probe->ReadImageInformation();
  return static_cast<int>(probe->GetNumberOfComponents());
}

}  // namespace

core::Volume readDicom(const std::string& path, const ReadOptions& options) {
  const DicomSeriesInfo series = selectDicomSeries(path, options.dicomSeriesUid, options.dicomRecursive);
  // A damaged slice of this series was kept from GDCM by the scan: name it.
  if (!series.damagedFiles.empty()) throw Error(series.damagedFiles.front());
  std::vector<std::string> warnings = series.warnings;
  if (series.files.size() > 1) {
    double meanGap = 0.0;
    const std::string problem = checkSlicePositions(series.files, &meanGap);
    if (!problem.empty()) {
      if (!options.allowUnevenSlices) {
        // The reason only: the caller knows how its user allows it (the CLI's hint
        // names --allow-uneven-slices), so no option name of this layer appears here.
        std::ostringstream mean;
        mean << meanGap;
        throw Error(core::ErrorKind::UnevenSlices, path,
                    problem + " (it can be read with the mean spacing, " + mean.str() + " mm)");
      }
      warnings.push_back(problem + "; read with a mean spacing, positions between slices are approximate");
    }
  }
  for (const std::string& file : series.files)
    if (const std::string problem = truncatedPixelData(file); !problem.empty()) throw Error(path, problem);
  auto io = itk::GDCMImageIO::New();
  core::Volume volume;
  try {
    const int components = componentsOf(series.files.front());
    if (components == 1) {
      const FloatImage::Pointer image = readSeries<FloatImage>(*io, series, path, options, 1);
      core::Geometry geometry = internal::geometryOf(*image);
      geometry.validate(path);
      volume = core::Volume(geometry, 1, internal::pixelTypeOf(io->GetComponentType()));
      std::copy(image->GetBufferPointer(), image->GetBufferPointer() + geometry.voxelCount(), volume.data());
    } else if (components == 3) {
      // Colour (RGB, YBR_FULL, YBR_FULL_422, PALETTE COLOR): R, G, B as channels.
      const ColorImage::Pointer image = readSeries<ColorImage>(*io, series, path, options, 3);
      core::Geometry geometry = internal::geometryOf(*image);
      geometry.validate(path);
      volume = core::Volume(geometry, 3, internal::pixelTypeOf(io->GetComponentType()));
      const float* in = image->GetBufferPointer();
      const int64_t n = geometry.voxelCount();
      for (int c = 0; c < 3; ++c) {
        float* out = volume.channel(c);
        for (int64_t v = 0; v < n; ++v) out[v] = in[v * 3 + c];
      }
    } else {
      throw Error(path, "DICOM series has " + std::to_string(components) +
                            " samples per pixel (1 for grey levels or 3 for colour are supported)");
    }
  } catch (const itk::ExceptionObject& e) {
    throw Error(path, "cannot read DICOM series " + series.seriesInstanceUid + ": " + internal::describeItkError(e));
  }

  // Gantry tilt: slices shifted across their plane from one to the next. Stacking
  // them along the normal would shear the anatomy; resample onto an orthogonal grid.
  std::optional<internal::GantryTilt> tilt;
  if (series.files.size() > 1)
    if (const auto stack = sliceStack(series.files)) {
      const core::Geometry& g = volume.geometry();
      tilt = internal::findGantryTilt(stack->row, stack->column, g.spacing[0], g.spacing[1], g.size[0], g.size[1],
                                      stack->positions);
      if (tilt) {
        internal::checkAllocation(path, tilt->orthogonal, volume.channels(), 2, options);
        volume = internal::resampleTiltedStack(volume, *tilt);
        volume.geometry().validate(path);
        warnings.push_back("gantry tilt of " + degreesText(tilt->degrees) +
                           " degrees: resampled onto an orthogonal grid (linear interpolation)");
      }
    }

  core::VolumeMetadata& m = volume.metadata();
  m.sourcePath = path;
  m.modality = tagValue(*io, "0008|0060");
  m.windowCenter = firstNumber(tagValue(*io, "0028|1050"));
  m.windowWidth = firstNumber(tagValue(*io, "0028|1051"));
  // GDCMImageIO always applies the rescale; these record what it applied.
  m.rescaleApplied = true;
  m.rescaleSlope = io->GetRescaleSlope();
  m.rescaleIntercept = io->GetRescaleIntercept();
  m.seriesInstanceUid = series.seriesInstanceUid;
  m.seriesDescription = series.description;
  m.patientDescription = series.patient;
  m.photometricInterpretation = tagValue(*io, "0028|0004");
  m.tiltResampled = tilt.has_value();
  m.gantryTiltDegrees = tilt ? tilt->degrees : 0.0;
  m.warnings = warnings;
  return volume;
}

}  // namespace aunet::io
