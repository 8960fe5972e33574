// DICOM folders as archives and PACS exports really hold them: a damaged file beside
// the series is skipped with one warning (also through the reader helper), while a
// damaged slice of the series itself stays an error naming it.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "io/DicomSeriesScanner.h"
#include "io/ImageFormat.h"
#include "io/ImageReader.h"
#include "io/ReadIsolation.h"
#include "io/internal/DicomStructureCheck.h"
#include "tests/io/DicomFileBuilder.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

using namespace aunet::io::test;

const std::string kSeries = "1.2.826.0.1.3680043.2.1125.30";

class DicomFolder : public ScratchTest {
 protected:
  void TearDown() override {
    setReadIsolation({});
    ScratchTest::TearDown();
  }
  void writeSeries(const std::vector<double>& zs) {
    for (size_t s = 0; s < zs.size(); ++s)
      DicomFileBuilder::ctSlice(kSeries, static_cast<int>(s + 1), zs[s]).write(path("s" + std::to_string(10 + s) + ".dcm"));
  }
  // An RT Structure Set of another series, cut inside its contour data (a half-copied export).
  void writeTruncatedRtStruct(const std::string& name) {
    DicomFileBuilder rt = DicomFileBuilder::textReport("1.2.826.0.1.3680043.2.1125.31");
    std::string contour;
    for (int i = 0; i < 200; ++i) contour += std::to_string(i) + "\\";
    rt.set(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.481.3").set(0x0008, 0x0060, "CS", "RTSTRUCT");
    rt.set(0x3006, 0x0050, "UT", contour);
    rt.write(path(name));
    const std::string bytes = readBytes(path(name));
    writeBytes(path(name), bytes.substr(0, bytes.size() - 300));
  }
  static std::string errorOf(const std::string& what) {
    try {
      readImage(what);
    } catch (const core::Error& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(DicomFolder, DamagedAndJunkFilesBesideTheSeriesAreSkippedWithOneWarning) {
  writeSeries({0, 1, 2, 3, 4});
  writeTruncatedRtStruct("rt.dcm");
  writeBytes(path("notes.txt"), "exported by a PACS\n");
  const std::string expected =
      "skipped 2 file(s) that are not readable DICOM: notes.txt, rt.dcm (DICOM file is truncated inside element "
      "(3006,0050)";
  for (const bool isolated : {false, true}) {
    SCOPED_TRACE(isolated ? "through aunet-image-reader" : "in process");
    if (isolated) setReadIsolation(ReadIsolation{std::string(AUNET_BINARY_DIR) + "/bin/aunet-image-reader", 0.0});
    const core::Volume v = readImage(dir_.string());
    EXPECT_EQ(v.geometry().size, (core::Index3{8, 8, 5}));
    EXPECT_EQ(v.at(3, 2, 4, 0), 105.0f);
    ASSERT_EQ(v.metadata().warnings.size(), 1u);
    EXPECT_EQ(v.metadata().warnings[0].rfind(expected, 0), 0u) << v.metadata().warnings[0];
    EXPECT_EQ(v.metadata().warnings[0].find('\n'), std::string::npos);
    const auto series = scanDicomSeries(dir_.string());
    ASSERT_EQ(series.size(), 1u);
    EXPECT_EQ(series[0].sliceCount(), 5);
    ASSERT_EQ(series[0].warnings.size(), 1u);
    EXPECT_TRUE(series[0].damagedFiles.empty());
    // One file of the series opens it, with the same warning.
    EXPECT_EQ(readImage(path("s12.dcm")).metadata().warnings, v.metadata().warnings);
    // The damaged file named alone is the error.
    EXPECT_EQ(errorOf(path("rt.dcm")).rfind(path("rt.dcm") + ": DICOM file is truncated", 0), 0u);
  }
}

// An RTSTRUCT referencing the series (its UID nested in (0008,1115)), cut before its own
// Series Instance UID: it cannot be told apart, so it is skipped, not taken for a slice.
TEST_F(DicomFolder, DamagedObjectReferencingTheSeriesIsSkippedNotMistakenForASlice) {
  writeSeries({0, 1, 2});
  std::string uid = kSeries;
  if (uid.size() % 2) uid.push_back('\0');
  const std::string nested = std::string("\x20\x00\x0e\x00UI", 6) + DicomFileBuilder::u16(static_cast<uint16_t>(uid.size())) + uid;
  const std::string item = std::string("\xfe\xff\x00\xe0", 4) + DicomFileBuilder::u32(static_cast<uint32_t>(nested.size())) + nested;
  DicomFileBuilder rt = DicomFileBuilder::textReport("1.2.826.0.1.3680043.2.1125.32");
  rt.set(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.481.3").set(0x0008, 0x0060, "CS", "RTSTRUCT");
  rt.set(0x0008, 0x1115, "SQ", item);
  rt.write(path("rt.dcm"));
  const std::string bytes = readBytes(path("rt.dcm"));
  const size_t cut = bytes.find(uid) + uid.size() + 4;  // past the nested UID, before the next top-level element ends
  ASSERT_LT(cut, bytes.size());
  writeBytes(path("rt.dcm"), bytes.substr(0, cut));
  const internal::DicomStructureReport report = internal::inspectDicomStructure(path("rt.dcm"));
  EXPECT_NE(report.problem, "");
  EXPECT_EQ(report.seriesInstanceUid, "");
  const core::Volume v = readImage(dir_.string());
  EXPECT_EQ(v.geometry().size[2], 3);
  ASSERT_EQ(v.metadata().warnings.size(), 1u);
  EXPECT_NE(v.metadata().warnings[0].find("rt.dcm (DICOM file is truncated"), std::string::npos) << v.metadata().warnings[0];
}

TEST_F(DicomFolder, ManySkippedFilesAreCountedAndTheFirstFewNamed) {
  writeSeries({0, 1, 2});
  for (int i = 0; i < 5; ++i) writeBytes(path("junk" + std::to_string(i)), "not DICOM");
  writeBytes(path(".DS_Store"), "Bud1");  // hidden and not DICOM: not worth a warning
  const core::Volume v = readImage(dir_.string());
  ASSERT_EQ(v.metadata().warnings.size(), 1u);
  EXPECT_EQ(v.metadata().warnings[0],
            "skipped 5 file(s) that are not readable DICOM: junk0, junk1, junk2, and 2 more");
}

TEST_F(DicomFolder, DamagedSliceOfTheSeriesIsAnErrorNamingIt) {
  writeSeries({0, 1, 2, 3, 4});
  writeBytes(path("notes.txt"), "exported by a PACS\n");
  const std::string victim = path("s12.dcm");
  const std::string bytes = readBytes(victim);
  // Cut inside the pixel data.
  writeBytes(victim, bytes.substr(0, bytes.size() - 40));
  std::string message = errorOf(dir_.string());
  EXPECT_EQ(message.rfind(victim + ": DICOM file is truncated inside element (7FE0,0010)", 0), 0u) << message;
  // A damaged meta group: the walk stops before the series UID, which is found anyway.
  std::string meta = bytes;
  ASSERT_EQ(meta.substr(136, 2), "UL");
  meta.replace(136, 2, "UQ");
  writeBytes(victim, meta);
  message = errorOf(dir_.string());
  EXPECT_EQ(message.rfind(victim + ": DICOM file is truncated inside its meta header", 0), 0u) << message;
  // Through the helper too.
  setReadIsolation(ReadIsolation{std::string(AUNET_BINARY_DIR) + "/bin/aunet-image-reader", 0.0});
  message = errorOf(dir_.string());
  EXPECT_EQ(message.rfind(victim + ": DICOM file is truncated inside its meta header", 0), 0u) << message;
}

}  // namespace
}  // namespace aunet::io

namespace aunet::io {
namespace {

using namespace aunet::io::test;

// An 8-bit colour slice of `rows` x `columns` at z, with `samples` per pixel in the
// given photometric interpretation; `pixels` as stored.
DicomFileBuilder colourSlice(const std::string& series, int instance, double z, int rows, int columns, int samples,
                             const std::string& photometric, const std::string& pixels) {
  DicomFileBuilder b = DicomFileBuilder::ctSlice(series, instance, z, rows, columns);
  b.set(0x0008, 0x0060, "CS", "OT")
      .set(0x0028, 0x0002, "US", DicomFileBuilder::u16(static_cast<uint16_t>(samples)))
      .set(0x0028, 0x0004, "CS", photometric)
      .set(0x0028, 0x0100, "US", DicomFileBuilder::u16(8))
      .set(0x0028, 0x0101, "US", DicomFileBuilder::u16(8))
      .set(0x0028, 0x0102, "US", DicomFileBuilder::u16(7))
      .set(0x0028, 0x0103, "US", DicomFileBuilder::u16(0))
      .set(0x0028, 0x1052, "DS", "0")
      .set(0x0028, 0x1053, "DS", "1");
  if (samples == 3) b.set(0x0028, 0x0006, "US", DicomFileBuilder::u16(0));
  b.pixelData(pixels);
  return b;
}

class DicomColour : public ScratchTest {};

// Expected colour of pixel (r, c) of slice k.
uint8_t red(int k, int r, int c) { return static_cast<uint8_t>(10 * r + c + k); }
uint8_t green(int k, int r, int) { return static_cast<uint8_t>(100 + r + 7 * k); }
uint8_t blue(int k, int, int c) { return static_cast<uint8_t>(250 - 3 * c - k); }

TEST_F(DicomColour, RgbSeriesIsReadAsThreeChannels) {
  const std::string series = "1.2.826.0.1.3680043.2.1125.40";
  const int rows = 4, columns = 6;
  for (int k = 0; k < 3; ++k) {
    std::string pixels;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < columns; ++c) pixels += {char(red(k, r, c)), char(green(k, r, c)), char(blue(k, r, c))};
    colourSlice(series, k + 1, 2.0 * k, rows, columns, 3, "RGB", pixels).write(path("rgb" + std::to_string(k) + ".dcm"));
  }
  const core::Volume v = readImage(dir_.string());
  ASSERT_EQ(v.channels(), 3);
  EXPECT_EQ(v.geometry().size, (core::Index3{columns, rows, 3}));
  EXPECT_NEAR(v.geometry().spacing[2], 2.0, 1e-6);
  EXPECT_EQ(v.metadata().photometricInterpretation, "RGB");
  EXPECT_EQ(v.originalType(), core::PixelType::UInt8);
  for (int k = 0; k < 3; ++k)
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < columns; ++c) {
        ASSERT_EQ(v.at(c, r, k, 0), red(k, r, c)) << k << " " << r << " " << c;
        ASSERT_EQ(v.at(c, r, k, 1), green(k, r, c));
        ASSERT_EQ(v.at(c, r, k, 2), blue(k, r, c));
      }
  // The same through the reader helper.
  setReadIsolation(ReadIsolation{std::string(AUNET_BINARY_DIR) + "/bin/aunet-image-reader", 0.0});
  const core::Volume isolated = readImage(dir_.string());
  setReadIsolation({});
  EXPECT_EQ(isolated.channels(), 3);
  EXPECT_EQ(isolated.voxels(), v.voxels());
  EXPECT_EQ(isolated.metadata().photometricInterpretation, "RGB");
}

TEST_F(DicomColour, PaletteColourIsExpandedThroughItsLookupTable) {
  const std::string series = "1.2.826.0.1.3680043.2.1125.41";
  const int rows = 4, columns = 6;
  // 16-bit tables of 256 entries, first index 0. GDCM gives 8-bit indices 8-bit
  // colours: the table's high byte (tables of 8-bit colours hold c * 257).
  auto lut = [](int channel, int i) { return static_cast<uint16_t>(channel == 0 ? i * 256 : channel == 1 ? 65535 - i * 200 : 1000 + i); };
  std::string tables[3];
  for (int ch = 0; ch < 3; ++ch)
    for (int i = 0; i < 256; ++i) tables[ch] += DicomFileBuilder::u16(lut(ch, i));
  const std::string descriptor = DicomFileBuilder::u16(256) + DicomFileBuilder::u16(0) + DicomFileBuilder::u16(16);
  auto index = [](int k, int r, int c) { return (k * 37 + r * 11 + c * 5) % 256; };
  for (int k = 0; k < 2; ++k) {
    std::string pixels;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < columns; ++c) pixels += char(index(k, r, c));
    colourSlice(series, k + 1, k, rows, columns, 1, "PALETTE COLOR", pixels)
        .set(0x0028, 0x1101, "US", descriptor)
        .set(0x0028, 0x1102, "US", descriptor)
        .set(0x0028, 0x1103, "US", descriptor)
        .set(0x0028, 0x1201, "OW", tables[0])
        .set(0x0028, 0x1202, "OW", tables[1])
        .set(0x0028, 0x1203, "OW", tables[2])
        .write(path("pal" + std::to_string(k) + ".dcm"));
  }
  const core::Volume v = readImage(dir_.string());
  ASSERT_EQ(v.channels(), 3);
  EXPECT_EQ(v.geometry().size, (core::Index3{columns, rows, 2}));
  EXPECT_EQ(v.metadata().photometricInterpretation, "PALETTE COLOR");
  for (int k = 0; k < 2; ++k)
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < columns; ++c)
        for (int ch = 0; ch < 3; ++ch)
          ASSERT_EQ(v.at(c, r, k, ch), lut(ch, index(k, r, c)) >> 8) << k << " " << r << " " << c << " channel " << ch;
}

TEST_F(DicomColour, YbrFullIsConvertedToRgb) {
  const std::string series = "1.2.826.0.1.3680043.2.1125.42";
  const int rows = 2, columns = 4;
  // (Y, Cb, Cr) -> RGB by PS3.3 C.7.6.3.1.2: R = Y + 1.402 (Cr - 128), G = Y - 0.344136 (Cb - 128)
  // - 0.714136 (Cr - 128), B = Y + 1.772 (Cb - 128).
  const int ybr[4][3] = {{128, 128, 128}, {100, 150, 90}, {200, 100, 160}, {60, 128, 200}};
  for (int k = 0; k < 2; ++k) {
    std::string pixels;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < columns; ++c) pixels += {char(ybr[c][0]), char(ybr[c][1]), char(ybr[c][2])};
    colourSlice(series, k + 1, k, rows, columns, 3, "YBR_FULL", pixels).write(path("ybr" + std::to_string(k) + ".dcm"));
  }
  const core::Volume v = readImage(dir_.string());
  ASSERT_EQ(v.channels(), 3);
  EXPECT_EQ(v.metadata().photometricInterpretation, "YBR_FULL");
  for (int c = 0; c < columns; ++c) {
    const double y = ybr[c][0], cb = ybr[c][1] - 128.0, cr = ybr[c][2] - 128.0;
    auto clamp = [](double x) { return std::min(255.0, std::max(0.0, x)); };
    EXPECT_NEAR(v.at(c, 1, 1, 0), clamp(y + 1.402 * cr), 1.5) << c;
    EXPECT_NEAR(v.at(c, 1, 1, 1), clamp(y - 0.344136 * cb - 0.714136 * cr), 1.5) << c;
    EXPECT_NEAR(v.at(c, 1, 1, 2), clamp(y + 1.772 * cb), 1.5) << c;
  }
  // YBR_FULL_422 (uncompressed): two pixels share Cb and Cr, stored Y1 Y2 Cb Cr.
  const fs::path subsampled = dir_ / "422";
  fs::create_directories(subsampled);
  for (int k = 0; k < 2; ++k) {
    std::string pixels;
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < columns; c += 2)
        pixels += {char(ybr[c][0]), char(ybr[c + 1][0]), char(ybr[c][1]), char(ybr[c][2])};
    colourSlice(series + ".422", k + 1, k, rows, columns, 3, "YBR_FULL_422", pixels)
        .write((subsampled / ("ybr" + std::to_string(k) + ".dcm")).string());
  }
  const core::Volume s = readImage(subsampled.string());
  ASSERT_EQ(s.channels(), 3);
  EXPECT_EQ(s.geometry().size, (core::Index3{columns, rows, 2}));
  for (int c = 0; c < columns; ++c) {
    const double y = ybr[c][0], cb = ybr[c - c % 2][1] - 128.0, cr = ybr[c - c % 2][2] - 128.0;
    auto clamp = [](double x) { return std::min(255.0, std::max(0.0, x)); };
    EXPECT_NEAR(s.at(c, 1, 1, 0), clamp(y + 1.402 * cr), 1.5) << c;
    EXPECT_NEAR(s.at(c, 1, 1, 1), clamp(y - 0.344136 * cb - 0.714136 * cr), 1.5) << c;
    EXPECT_NEAR(s.at(c, 1, 1, 2), clamp(y + 1.772 * cb), 1.5) << c;
  }
}

}  // namespace
}  // namespace aunet::io

namespace aunet::io {
namespace {

using namespace aunet::io::test;

class DicomGantryTilt : public ScratchTest {
 protected:
  static constexpr int kSize = 32, kSlices = 16;
  static constexpr double kSliceStep = 2.0, kTiltDegrees = 20.0;
  // A gantry-tilted axial series: 1 mm pixels, slices 2 mm apart along z, each one
  // shifted along y by 2 tan(20 deg) mm; voxel values f(x, y, z) rounded, f in LPS mm.
  template <class F>
  void writeTiltedSeries(const fs::path& folder, F&& f) {
    fs::create_directories(folder);
    const double shift = kSliceStep * std::tan(kTiltDegrees * M_PI / 180.0);
    for (int k = 0; k < kSlices; ++k) {
      const double y0 = k * shift, z = k * kSliceStep;
      std::string pixels;
      for (int r = 0; r < kSize; ++r)
        for (int c = 0; c < kSize; ++c)
          pixels += DicomFileBuilder::u16(static_cast<uint16_t>(static_cast<int16_t>(std::lround(f(c, y0 + r, z)))));
      DicomFileBuilder::ctSlice("1.2.826.0.1.3680043.2.1125.50", k + 1, z, kSize, kSize)
          .set(0x0020, 0x0032, "DS", "0\\" + std::to_string(y0) + "\\" + std::to_string(z))
          .set(0x0018, 0x1120, "DS", "20")
          .pixelData(pixels)
          .write((folder / ("t" + std::to_string(100 + k) + ".dcm")).string());
    }
  }
};

TEST_F(DicomGantryTilt, TiltedSeriesIsResampledOntoAnOrthogonalGridInPhysicalSpace) {
  // A sphere of radius 6 mm (a one-millimetre ramp at its edge), centred at c.
  const core::Vec3 c{15.5, 21.0, 15.0};
  auto sphere = [&](double x, double y, double z) {
    const double d = std::sqrt((x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1]) + (z - c[2]) * (z - c[2]));
    return 1000.0 * std::clamp(6.5 - d, 0.0, 1.0);
  };
  writeTiltedSeries(dir_, sphere);
  const core::Volume v = readImage(dir_.string());
  const core::Geometry& g = v.geometry();
  const double drift = (kSlices - 1) * kSliceStep * std::tan(kTiltDegrees * M_PI / 180.0);
  EXPECT_EQ(g.size, (core::Index3{kSize, kSize + static_cast<int64_t>(std::ceil(drift)), kSlices}));
  EXPECT_NEAR(g.spacing[2], kSliceStep, 1e-6);
  EXPECT_EQ(g.orientationCode(), "RAI");
  EXPECT_TRUE(v.metadata().tiltResampled);
  EXPECT_NEAR(v.metadata().gantryTiltDegrees, kTiltDegrees, 0.01);
  ASSERT_EQ(v.metadata().warnings.size(), 1u);
  EXPECT_EQ(v.metadata().warnings[0], "gantry tilt of 20 degrees: resampled onto an orthogonal grid (linear interpolation)");
  // The sphere's intensity-weighted centre, in physical space, is where it was drawn.
  double sum = 0, moment[3] = {0, 0, 0};
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const double w = v.at(i, j, k, 0);
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        sum += w;
        for (int a = 0; a < 3; ++a) moment[a] += w * p[a];
      }
  ASSERT_GT(sum, 0.0);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(moment[a] / sum, c[a], 0.1) << "axis " << a;
  // And every voxel is the sphere's value at its own physical point (linear
  // interpolation between 1 mm pixels of a 1 mm ramp: within 250 of 1000).
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        ASSERT_NEAR(v.at(i, j, k, 0), sphere(p[0], p[1], p[2]), 250.0) << i << " " << j << " " << k;
      }
}

TEST_F(DicomGantryTilt, LinearValuesAreInterpolatedExactlyAndUncoveredVoxelsGetTheMinimum) {
  auto ramp = [](double x, double y, double z) { return 100.0 + 2.0 * x + 7.0 * y + 5.0 * z; };
  writeTiltedSeries(dir_, ramp);
  const core::Volume v = readImage(dir_.string());
  const core::Geometry& g = v.geometry();
  const double shift = kSliceStep * std::tan(kTiltDegrees * M_PI / 180.0);
  int covered = 0, uncovered = 0;
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        const double row = p[1] - std::round(p[2] / kSliceStep) * shift;  // row index in its stored slice
        if (row >= 0 && row <= kSize - 1) {
          ++covered;
          ASSERT_NEAR(v.at(i, j, k, 0), ramp(p[0], p[1], p[2]), 0.51) << i << " " << j << " " << k;
        } else if (row < -0.5 || row > kSize - 0.5) {
          ++uncovered;
          ASSERT_EQ(v.at(i, j, k, 0), 100.0f) << "outside every slice: the stack's minimum";
        }
      }
  EXPECT_GT(covered, kSize * kSize * kSlices * 9 / 10);
  EXPECT_GT(uncovered, 0);
  // Through the reader helper: the same voxels and the record of the resampling.
  setReadIsolation(ReadIsolation{std::string(AUNET_BINARY_DIR) + "/bin/aunet-image-reader", 0.0});
  const core::Volume isolated = readImage(dir_.string());
  setReadIsolation({});
  EXPECT_EQ(isolated.voxels(), v.voxels());
  EXPECT_TRUE(isolated.metadata().tiltResampled);
  EXPECT_EQ(isolated.metadata().gantryTiltDegrees, v.metadata().gantryTiltDegrees);
}

TEST_F(DicomGantryTilt, UntiltedSeriesIsNotResampled) {
  const fs::path folder = dir_ / "straight";
  fs::create_directories(folder);
  for (int k = 0; k < 4; ++k)
    DicomFileBuilder::ctSlice("1.2.826.0.1.3680043.2.1125.51", k + 1, k).write((folder / ("s" + std::to_string(k) + ".dcm")).string());
  const core::Volume v = readImage(folder.string());
  EXPECT_FALSE(v.metadata().tiltResampled);
  EXPECT_EQ(v.metadata().gantryTiltDegrees, 0.0);
  EXPECT_TRUE(v.metadata().warnings.empty());
}

}  // namespace
}  // namespace aunet::io

namespace aunet::io {
namespace {

using namespace aunet::io::test;

class DicomRawDataSet : public ScratchTest {};

TEST_F(DicomRawDataSet, ImplicitVrDataSetsWithoutMetaHeaderAreRead) {
  const std::string series = "1.2.826.0.1.3680043.2.1125.60";
  for (int k = 0; k < 4; ++k)
    DicomFileBuilder::ctSlice(series, k + 1, 1.5 * k, 8, 8, static_cast<int16_t>(-50 + 10 * k))
        .writeImplicitDataSet(path("IM" + std::to_string(k)));  // no extension, no "DICM"
  EXPECT_EQ(detectFormat(path("IM0")), ImageFormat::Dicom);
  EXPECT_EQ(internal::findDicomStructureProblem(path("IM0")), "");
  for (const std::string& what : {dir_.string(), path("IM2")}) {
    SCOPED_TRACE(what);
    const core::Volume v = readImage(what);
    EXPECT_EQ(v.geometry().size, (core::Index3{8, 8, 4}));
    EXPECT_NEAR(v.geometry().spacing[2], 1.5, 1e-6);
    EXPECT_EQ(v.at(3, 2, 1, 0), -50 + 10 + 5);  // value + row + column, signed
    EXPECT_EQ(v.at(0, 0, 3, 0), -50 + 30);
    EXPECT_EQ(v.metadata().modality, "CT");
    EXPECT_EQ(v.metadata().seriesInstanceUid, series);
    EXPECT_TRUE(v.metadata().warnings.empty());
  }
  // A raw data set cut short is a damaged file like any other.
  const std::string bytes = readBytes(path("IM3"));
  writeBytes(path("IM3"), bytes.substr(0, bytes.size() - 20));
  try {
    readImage(dir_.string());
    ADD_FAILURE() << "a cut slice of the series must be an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path("IM3") + ": DICOM file is truncated", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace aunet::io
