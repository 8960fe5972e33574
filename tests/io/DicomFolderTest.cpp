// DICOM folders as archives and PACS exports really hold them: a damaged file beside
// the series is skipped with one warning (also through the reader helper), while a
// damaged slice of the series itself stays an error naming it.

#include <gtest/gtest.h>

#include "core/Error.h"
#include "io/DicomSeriesScanner.h"
#include "io/ImageReader.h"
#include "io/ReadIsolation.h"
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

TEST_F(DicomFolder, ManySkippedFilesAreCountedAndTheFirstFewNamed) {
  writeSeries({0, 1, 2});
  for (int i = 0; i < 5; ++i) writeBytes(path("junk" + std::to_string(i)), "not DICOM");
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
