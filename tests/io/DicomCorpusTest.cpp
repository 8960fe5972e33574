// Broken DICOM folders built byte by byte (tests/io/DicomFileBuilder.h), so every case
// runs without shared data: two series in one folder (never mixed into one volume),
// a missing slice, duplicated positions, a structured report beside or instead of the
// images, transfer syntaxes no decoder supports, truncated slices. Each ends as the
// right volume or one core::Error line naming the folder or file and the reason.

#include <gtest/gtest.h>

#include "io/DicomSeriesScanner.h"
#include "io/ImageReader.h"
#include "core/Error.h"
#include "io/internal/DicomStructureCheck.h"
#include "tests/io/DicomFileBuilder.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

using namespace aunet::io::test;

const std::string kSeriesA = "1.2.826.0.1.3680043.2.1125.10";
const std::string kSeriesB = "1.2.826.0.1.3680043.2.1125.20";

class DicomCorpus : public ScratchTest {
 protected:
  // Slices of `series` at the given z positions, named <prefix>NN.dcm, in `folder`.
  void writeSeries(const fs::path& folder, const std::string& series, const std::vector<double>& zs,
                   const std::string& prefix, int rows = 8, int columns = 8, int16_t value = 100) {
    fs::create_directories(folder);
    for (size_t s = 0; s < zs.size(); ++s)
      DicomFileBuilder::ctSlice(series, static_cast<int>(s + 1), zs[s], rows, columns, value)
          .write((folder / (prefix + std::to_string(10 + s) + ".dcm")).string());
  }
  // `prefix`: how the message starts (default: the path read, then ": ").
  void expectError(const std::string& what, const std::string& reasonPart, const ReadOptions& options = {},
                   const std::string& prefix = {}) {
    try {
      const core::Volume v = readImage(what, options);
      ADD_FAILURE() << what << " was read (" << v.geometry().size[0] << "x" << v.geometry().size[1] << "x"
                    << v.geometry().size[2] << "); expected '" << reasonPart << "'";
    } catch (const core::Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(prefix.empty() ? what + ": " : prefix, 0), 0u) << message;
      EXPECT_NE(message.find(reasonPart), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    } catch (const std::exception& e) {
      ADD_FAILURE() << what << ": not a core::Error: " << e.what();
    }
  }
};

TEST_F(DicomCorpus, GeneratedSeriesReadsBackExactly) {
  writeSeries(dir_, kSeriesA, {0, 2.5, 5, 7.5, 10}, "a");
  const core::Volume v = readImage(dir_.string());
  EXPECT_EQ(v.geometry().size, (core::Index3{8, 8, 5}));
  EXPECT_NEAR(v.geometry().spacing[2], 2.5, 1e-6);
  EXPECT_EQ(v.at(3, 2, 4, 0), 105.0f);  // value + row + column
  EXPECT_EQ(v.metadata().modality, "CT");
}

TEST_F(DicomCorpus, TwoSeriesInOneFolderAreNeverMixed) {
  writeSeries(dir_, kSeriesA, {0, 1, 2, 3, 4}, "a", 8, 8, 100);
  writeSeries(dir_, kSeriesB, {0, 1, 2}, "b", 6, 6, 500);
  const auto series = scanDicomSeries(dir_.string());
  ASSERT_EQ(series.size(), 2u);
  // The largest series, alone.
  const core::Volume a = readImage(dir_.string());
  EXPECT_EQ(a.geometry().size, (core::Index3{8, 8, 5}));
  EXPECT_EQ(a.at(0, 0, 4, 0), 100.0f);
  ReadOptions pickB;
  pickB.dicomSeriesUid = kSeriesB;
  const core::Volume b = readImage(dir_.string(), pickB);
  EXPECT_EQ(b.geometry().size, (core::Index3{6, 6, 3}));
  EXPECT_EQ(b.at(0, 0, 2, 0), 500.0f);
  // One file opens its own series only.
  const core::Volume fromFile = readImage((dir_ / "b11.dcm").string());
  EXPECT_EQ(fromFile.geometry().size, (core::Index3{6, 6, 3}));
}

TEST_F(DicomCorpus, OneSeriesUidWithTwoImageSizesIsSplitNotMixed) {
  // A mislabelled export: the same SeriesInstanceUID on 8x8 and 6x6 slices.
  writeSeries(dir_, kSeriesA, {0, 1, 2, 3}, "a", 8, 8);
  writeSeries(dir_, kSeriesA, {10, 11}, "b", 6, 6);
  const core::Volume v = readImage(dir_.string());
  EXPECT_EQ(v.geometry().size, (core::Index3{8, 8, 4}));
}

TEST_F(DicomCorpus, MissingSliceIsAnErrorUnlessAllowed) {
  writeSeries(dir_, kSeriesA, {0, 1, 2, 4, 5}, "a");
  expectError(dir_.string(), "missing slice(s): a gap of 2 mm");
  ReadOptions tolerant;
  tolerant.allowUnevenSlices = true;
  const core::Volume v = readImage(dir_.string(), tolerant);
  EXPECT_EQ(v.geometry().size[2], 5);
  EXPECT_EQ(v.metadata().warnings.size(), 1u);
}

TEST_F(DicomCorpus, DuplicatedSlicePositionsAreAnError) {
  writeSeries(dir_, kSeriesA, {0, 1, 2, 2, 3, 4}, "a");
  expectError(dir_.string(), "share the position 2 mm");
  // Every slice at one position: no spacing at all.
  const fs::path same = dir_ / "same";
  writeSeries(same, kSeriesB, {7, 7, 7}, "s");
  expectError(same.string(), "several slices share the same position");
}

TEST_F(DicomCorpus, ObjectsWithoutImagesAreNamedAndSkipped) {
  const fs::path onlyReport = dir_ / "report";
  fs::create_directories(onlyReport);
  const std::string sr = (onlyReport / "sr.dcm").string();
  DicomFileBuilder::textReport(kSeriesB).write(sr);
  expectError(onlyReport.string(), "folder holds only DICOM objects without images: 1 file(s) (SR)");
  expectError(sr, "DICOM object without an image (SR object");

  // Beside an image series the report is ignored.
  const fs::path mixed = dir_ / "mixed";
  writeSeries(mixed, kSeriesA, {0, 1, 2}, "a");
  DicomFileBuilder::textReport(kSeriesB).write((mixed / "zz-report.dcm").string());
  EXPECT_EQ(readImage(mixed.string()).geometry().size, (core::Index3{8, 8, 3}));
}

TEST_F(DicomCorpus, UnsupportedOrDamagedCompressionIsAnError) {
  struct Syntax {
    const char* name;
    const char* uid;
  };
  for (const Syntax s : {Syntax{"mpeg2", "1.2.840.10008.1.2.4.100"}, Syntax{"hevc", "1.2.840.10008.1.2.4.107"},
                         Syntax{"unknown", "1.2.826.0.1.3680043.2.1125.777"},
                         Syntax{"jpeg-garbage", "1.2.840.10008.1.2.4.50"},
                         Syntax{"jpeg2000-garbage", "1.2.840.10008.1.2.4.90"},
                         Syntax{"rle-garbage", "1.2.840.10008.1.2.5"}}) {
    SCOPED_TRACE(s.name);
    const fs::path folder = dir_ / s.name;
    fs::create_directories(folder);
    for (int k = 0; k < 3; ++k) {
      auto slice = DicomFileBuilder::ctSlice(kSeriesA, k + 1, k);
      std::string junk(96, '\0');
      for (size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 131 + k) % 251);
      slice.transferSyntax(s.uid).pixelData(junk, /*encapsulated=*/true);
      slice.write((folder / ("c" + std::to_string(k) + ".dcm")).string());
    }
    expectError(folder.string(), "");
  }
}

TEST_F(DicomCorpus, TruncatedSlicesAreAnError) {
  writeSeries(dir_, kSeriesA, {0, 1, 2, 3}, "a");
  const std::string victim = (dir_ / "a12.dcm").string();
  const std::string bytes = readBytes(victim);
  // Cut inside the pixel data: refused before GDCM reads the folder, naming the slice.
  for (const size_t keep : {bytes.size() - 40, bytes.size() - 1}) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(bytes.size()) + " bytes");
    writeBytes(victim, bytes.substr(0, keep));
    expectError(dir_.string(), "", {}, victim + ": DICOM file is truncated inside element (7FE0,0010)");
  }
}

// GDCM asserts (aborting the process) on a Samples per Pixel other than 1, 3 or 4
// (found by fuzz_image_reader, replayed by fuzz.regressions.fuzz_image_reader).
TEST_F(DicomCorpus, ImpossibleSamplesPerPixelIsRefusedNeverCrash) {
  for (const uint16_t samples : {0, 2, 5, 300}) {
    SCOPED_TRACE("samples per pixel " + std::to_string(samples));
    const fs::path folder = dir_ / ("spp" + std::to_string(samples));
    fs::create_directories(folder);
    for (int k = 0; k < 3; ++k)
      DicomFileBuilder::ctSlice(kSeriesA, k + 1, k)
          .set(0x0028, 0x0002, "US", DicomFileBuilder::u16(samples))
          .write((folder / ("s" + std::to_string(k) + ".dcm")).string());
    expectError(folder.string(), "unsupported Samples per Pixel (0028,0002) = " + std::to_string(samples), {},
                folder.string() + "/s");
  }
}

// A meta group element without a valid VR: GDCM falls back to implicit VR there and
// asserted when the implicit lengths ran past the file (found by fuzz_image_reader).
TEST_F(DicomCorpus, MetaHeaderWithoutAValidVrIsRefusedNeverCrash) {
  writeSeries(dir_, kSeriesA, {0, 1, 2}, "a");
  const std::string victim = (dir_ / "a11.dcm").string();
  std::string bytes = readBytes(victim);
  ASSERT_EQ(bytes.substr(136, 2), "UL");  // (0002,0000) group length
  for (const char* vr : {"U,", "UQ", "\0\0"}) {
    SCOPED_TRACE(vr);
    bytes.replace(136, 2, std::string(vr, 2));
    writeBytes(victim, bytes);
    expectError(dir_.string(), "truncated inside its meta header", {}, victim + ": ");
  }
}

// Big-endian data sets are walked in their byte order: GDCM allocated 2.3 GB for a
// 349-byte big-endian file's element (found by fuzz_image_reader). A slice declaring
// big endian but holding little-endian elements reads as lengths past its end.
TEST_F(DicomCorpus, BigEndianDataSetsAreWalkedInTheirByteOrder) {
  fs::create_directories(dir_ / "be");
  const std::string file = (dir_ / "be" / "s.dcm").string();
  DicomFileBuilder::ctSlice(kSeriesA, 1, 0).transferSyntax("1.2.840.10008.1.2.2").write(file);
  const std::string problem = internal::findDicomStructureProblem(file);
  EXPECT_NE(problem.find("truncated inside element (0800,1600)"), std::string::npos) << problem;
  expectError((dir_ / "be").string(), "truncated inside element", {}, file + ": ");
}

// ITK's GDCM reader asserted when 1 of 16 bits stored, signed, with an intercept of 1
// rescales into a smaller type than stored (found by fuzz_image_reader). Real
// encodings (12 of 16 bits with intercept -1024, 16 of 16 with slope 2) still read.
TEST_F(DicomCorpus, PixelEncodingsItkCannotRescaleAreRefusedNeverCrash) {
  const std::string series = "1.2.826.0.1.3680043.2.1125.71";
  auto writeWith = [&](const fs::path& folder, unsigned stored, unsigned representation, const std::string& intercept,
                       const std::string& slope) {
    fs::create_directories(folder);
    for (int k = 0; k < 3; ++k)
      DicomFileBuilder::ctSlice(series, k + 1, k)
          .set(0x0028, 0x0101, "US", DicomFileBuilder::u16(static_cast<uint16_t>(stored)))
          .set(0x0028, 0x0102, "US", DicomFileBuilder::u16(static_cast<uint16_t>(stored - 1)))
          .set(0x0028, 0x0103, "US", DicomFileBuilder::u16(static_cast<uint16_t>(representation)))
          .set(0x0028, 0x1052, "DS", intercept)
          .set(0x0028, 0x1053, "DS", slope)
          .write((folder / ("s" + std::to_string(k) + ".dcm")).string());
  };
  writeWith(dir_ / "bit", 1, 1, "1", "1");
  expectError((dir_ / "bit").string(), "unsupported pixel encoding: 1 of 16 bits stored", {},
              (dir_ / "bit" / "s0.dcm").string() + ": ");
  writeWith(dir_ / "zero", 0, 0, "0", "1");
  expectError((dir_ / "zero").string(), "impossible Bits Stored (0028,0101) = 0", {}, (dir_ / "zero" / "s0.dcm").string() + ": ");
  writeWith(dir_ / "ct", 12, 0, "-1024", "1");
  EXPECT_EQ(readImage((dir_ / "ct").string()).geometry().size[2], 3);
  writeWith(dir_ / "mr", 16, 1, "0", "2");
  EXPECT_EQ(readImage((dir_ / "mr").string()).geometry().size[2], 3);
}

// A file without the Part 10 preamble that starts like a data set: GDCM parses those
// too and asserted on one cut inside its first element (found by fuzz_image_reader:
// the 4 bytes "02 00 73 4D" in a DICOM folder). A whole preamble-less slice is fine.
TEST_F(DicomCorpus, DataSetsWithoutThePreambleAreWalkedToo) {
  writeSeries(dir_, kSeriesA, {0, 1, 2}, "a");
  const std::string stray = (dir_ / "stray").string();
  writeBytes(stray, std::string("\x02\x00sM", 4));
  // In the folder it is skipped with a warning; read alone it is the error.
  const core::Volume v = readImage(dir_.string());
  EXPECT_EQ(v.geometry().size[2], 3);
  ASSERT_EQ(v.metadata().warnings.size(), 1u);
  EXPECT_NE(v.metadata().warnings[0].find("stray (DICOM file is truncated"), std::string::npos) << v.metadata().warnings[0];
  expectError(stray, "without the DICOM preamble");
  const std::string whole = readBytes((dir_ / "a10.dcm").string()).substr(132);
  writeBytes(stray, whole);
  EXPECT_EQ(internal::findDicomStructureProblem(stray), "");
  writeBytes(stray, whole.substr(0, whole.size() / 3));
  EXPECT_NE(internal::findDicomStructureProblem(stray).find("without the DICOM preamble"), std::string::npos);
  // A meta element of undefined length, then filler (found by fuzz_image_reader: GDCM asserted).
  writeBytes(stray, std::string("\x02\x00\x00\x00", 4) + std::string(128, '\xff') + std::string(84, '\0'));
  EXPECT_NE(internal::findDicomStructureProblem(stray).find("has an undefined length"), std::string::npos);
  writeBytes(stray, "\x07\x00 not DICOM at all");  // another first group: not walked, GDCM ignores it
  EXPECT_EQ(internal::findDicomStructureProblem(stray), "");
}

// A copy cut anywhere: inside the preamble, the meta group, any element header or
// value of the data set. GDCM aborts the process on cuts inside the meta group and
// the data set's headers, so aunet's own walk over the element headers
// (io/internal/DicomStructureCheck) must refuse them first, naming the file.
TEST_F(DicomCorpus, SlicesCutAtEveryByteAreRefusedNeverCrash) {
  writeSeries(dir_, kSeriesA, {0, 1, 2, 3}, "a");
  const std::string victim = (dir_ / "a12.dcm").string();
  const std::string bytes = readBytes(victim);
  ASSERT_GT(bytes.size(), 400u);
  int refusedByTheWalk = 0;
  for (size_t keep = 1; keep < bytes.size(); keep += (keep < 132 ? 43 : 1)) {
    SCOPED_TRACE("kept " + std::to_string(keep) + " of " + std::to_string(bytes.size()) + " bytes");
    writeBytes(victim, bytes.substr(0, keep));
    try {
      const core::Volume v = readImage(dir_.string());
      // A cut before "DICM" leaves a non-DICOM file, which the folder's series ignores.
      EXPECT_LT(keep, 132u) << "a cut slice was read as part of a " << v.geometry().size[2] << "-slice volume";
    } catch (const core::Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(dir_.string(), 0), 0u) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      if (message.find(victim + ": DICOM file is truncated") == 0) ++refusedByTheWalk;
    }
  }
  EXPECT_GT(refusedByTheWalk, 100);

  // Encapsulated pixel data (items of a sequence of undefined length): cuts inside the
  // last fragment, between it and the delimiter, and inside the delimiter.
  const fs::path encapsulated = dir_ / "encapsulated";
  fs::create_directories(encapsulated);
  for (int k = 0; k < 2; ++k) {
    auto slice = DicomFileBuilder::ctSlice(kSeriesB, k + 1, k);
    slice.transferSyntax("1.2.840.10008.1.2.5").pixelData(std::string(96, '\x11'), /*encapsulated=*/true);
    slice.write((encapsulated / ("e" + std::to_string(k) + ".dcm")).string());
  }
  const std::string cutVictim = (encapsulated / "e1.dcm").string();
  const std::string whole = readBytes(cutVictim);
  for (size_t keep = whole.size() - 40; keep < whole.size(); ++keep) {
    SCOPED_TRACE("encapsulated, kept " + std::to_string(keep) + " of " + std::to_string(whole.size()) + " bytes");
    writeBytes(cutVictim, whole.substr(0, keep));
    try {
      readImage(encapsulated.string());
    } catch (const core::Error& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace aunet::io
