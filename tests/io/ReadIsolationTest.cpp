// Reading images and scanning DICOM folders through the aunet-image-reader helper
// (io/ReadIsolation.h): the same results and the same errors as in process, and a
// helper that crashes, hangs, or answers garbage fails that one read with a one-line
// error naming the file.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstring>
#include <limits>

#include "io/DicomSeriesScanner.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "io/ReadIsolation.h"
#include "core/Error.h"
#include "io/internal/DicomSeriesWriter.h"
#include "tests/io/DicomFileBuilder.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

namespace fs = std::filesystem;
using test::ScratchTest;

std::string builtHelper() { return std::string(AUNET_BINARY_DIR) + "/bin/aunet-image-reader"; }

// The message of the core::Error `read` throws ("" when it does not throw).
template <class F>
std::string errorOf(F&& read) {
  try {
    read();
  } catch (const core::Error& e) {
    return e.what();
  }
  return "";
}

void expectSameVolume(const core::Volume& expected, const core::Volume& actual) {
  EXPECT_EQ(expected.geometry().size, actual.geometry().size);
  EXPECT_EQ(expected.geometry().spacing, actual.geometry().spacing);
  EXPECT_EQ(expected.geometry().origin, actual.geometry().origin);
  EXPECT_EQ(expected.geometry().direction, actual.geometry().direction);
  EXPECT_EQ(expected.channels(), actual.channels());
  EXPECT_EQ(expected.originalType(), actual.originalType());
  const auto& a = expected.metadata();
  const auto& b = actual.metadata();
  EXPECT_EQ(a.sourcePath, b.sourcePath);
  EXPECT_EQ(a.modality, b.modality);
  EXPECT_EQ(a.windowCenter, b.windowCenter);
  EXPECT_EQ(a.windowWidth, b.windowWidth);
  EXPECT_EQ(a.rescaleApplied, b.rescaleApplied);
  EXPECT_EQ(a.rescaleSlope, b.rescaleSlope);
  EXPECT_EQ(a.rescaleIntercept, b.rescaleIntercept);
  EXPECT_EQ(a.seriesInstanceUid, b.seriesInstanceUid);
  EXPECT_EQ(a.seriesDescription, b.seriesDescription);
  EXPECT_EQ(a.patientDescription, b.patientDescription);
  EXPECT_EQ(a.photometricInterpretation, b.photometricInterpretation);
  EXPECT_EQ(a.tiltResampled, b.tiltResampled);
  EXPECT_EQ(a.gantryTiltDegrees, b.gantryTiltDegrees);
  EXPECT_EQ(a.warnings, b.warnings);
  ASSERT_EQ(expected.voxels().size(), actual.voxels().size());
  EXPECT_EQ(0, std::memcmp(expected.data(), actual.data(), expected.voxels().size() * sizeof(float)));
}

class ReadIsolationTest : public ScratchTest {
 protected:
  void TearDown() override {
    setReadIsolation({});
    ScratchTest::TearDown();
  }
  void isolateWith(const std::string& helper, double timeoutSeconds = 0.0) {
    setReadIsolation(ReadIsolation{helper, timeoutSeconds});
  }
  // A stand-in helper: a shell script with `body`.
  std::string scriptHelper(const std::string& name, const std::string& body) {
    const std::string p = path(name);
    test::writeBytes(p, "#!/bin/sh\n" + body + "\n");
    ::chmod(p.c_str(), 0755);
    return p;
  }
  // Reads `file` in process and through the helper (as a label map too when
  // `labels`); both must agree exactly.
  void expectSameBothWays(const std::string& file, bool labels, const ReadOptions& options = {}) {
    setReadIsolation({});
    const core::Volume direct = readImage(file, options);
    const core::LabelMap directLabels = labels ? readLabelMap(file, options) : core::LabelMap();
    const ImageInfo directInfo = readImageInfo(file, options);
    isolateWith(builtHelper());
    SCOPED_TRACE(file);
    expectSameVolume(direct, readImage(file, options));
    if (labels) {
      const core::LabelMap isolated = readLabelMap(file, options);
      EXPECT_EQ(directLabels.labels(), isolated.labels());
      EXPECT_EQ(directLabels.geometry().size, isolated.geometry().size);
      EXPECT_EQ(directLabels.metadata().sourcePath, isolated.metadata().sourcePath);
      EXPECT_EQ(directLabels.metadata().modality, isolated.metadata().modality);
    }
    const ImageInfo info = readImageInfo(file, options);
    EXPECT_EQ(directInfo.format, info.format);
    EXPECT_EQ(directInfo.geometry.size, info.geometry.size);
    EXPECT_EQ(directInfo.geometry.direction, info.geometry.direction);
    EXPECT_EQ(directInfo.channels, info.channels);
    EXPECT_EQ(directInfo.pixelType, info.pixelType);
  }
};

TEST_F(ReadIsolationTest, HelperGivesExactlyWhatReadingInProcessGives) {
  const core::Geometry g = test::obliqueGeometry();
  core::Volume labelsLike(g, 1, core::PixelType::UInt16);
  const core::LabelMap labels = test::ellipsoidLabels(g, 3, 7);
  for (size_t v = 0; v < labels.labels().size(); ++v) labelsLike.data()[v] = labels.labels()[v];
  writeImage(labelsLike, path("labels.nii.gz"));
  writeImage(test::ellipsoidVolume(g, 2), path("two.nrrd"));
  writeImage(test::ellipsoidVolume(g), path("float.mha"));
  fs::create_directories(dir_ / "dicom");
  core::Volume ct(g, 1, core::PixelType::Int16);
  for (size_t v = 0; v < ct.voxels().size(); ++v) ct.data()[v] = static_cast<float>(static_cast<int>(v % 2000) - 1000);
  internal::writeDicomSeries(ct, (dir_ / "dicom").string());
  expectSameBothWays(path("labels.nii.gz"), true);
  expectSameBothWays(path("two.nrrd"), false);
  expectSameBothWays(path("float.mha"), false);
  expectSameBothWays((dir_ / "dicom").string(), false);

  // DICOM metadata (modality, window, rescale, series) and a tolerated-problem warning.
  fs::create_directories(dir_ / "gap");
  const std::string series = "1.2.826.0.1.3680043.2.1125.77";
  for (int k : {0, 1, 2, 4})
    test::DicomFileBuilder::ctSlice(series, k + 1, k)
        .set(0x0028, 0x1050, "DS", "40")
        .set(0x0028, 0x1051, "DS", "400")
        .write((dir_ / "gap" / ("s" + std::to_string(k) + ".dcm")).string());
  // Refused, the error keeps its kind through the helper: the CLI's hint names the flag.
  isolateWith(builtHelper());
  try {
    readImage((dir_ / "gap").string());
    ADD_FAILURE() << "a gap must be an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.kind(), core::ErrorKind::UnevenSlices) << e.what();
    EXPECT_NE(std::string(e.what()).find("missing slice(s): a gap of 2 mm"), std::string::npos) << e.what();
  }
  ReadOptions uneven;
  uneven.allowUnevenSlices = true;
  setReadIsolation({});
  ASSERT_FALSE(readImage((dir_ / "gap").string(), uneven).metadata().warnings.empty());
  expectSameBothWays((dir_ / "gap").string(), true, uneven);
}

TEST_F(ReadIsolationTest, DicomFolderScansAreTheSameThroughTheHelper) {
  fs::create_directories(dir_ / "study");
  for (int k = 0; k < 3; ++k)
    test::DicomFileBuilder::ctSlice("1.2.826.0.1.3680043.2.1125.51", k + 1, k)
        .write((dir_ / "study" / ("a" + std::to_string(k) + ".dcm")).string());
  for (int k = 0; k < 2; ++k)
    test::DicomFileBuilder::ctSlice("1.2.826.0.1.3680043.2.1125.52", k + 1, k, 6, 6)
        .write((dir_ / "study" / ("b" + std::to_string(k) + ".dcm")).string());
  test::DicomFileBuilder::textReport("1.2.826.0.1.3680043.2.1125.53").write((dir_ / "study" / "sr.dcm").string());
  const std::string folder = (dir_ / "study").string();
  const std::vector<DicomSeriesInfo> direct = scanDicomSeries(folder);
  ASSERT_GE(direct.size(), 2u);  // the two image series (and the report, where listed)
  isolateWith(builtHelper());
  const std::vector<DicomSeriesInfo> isolated = scanDicomSeries(folder);
  ASSERT_EQ(isolated.size(), direct.size());
  for (size_t s = 0; s < direct.size(); ++s) {
    EXPECT_EQ(direct[s].id, isolated[s].id);
    EXPECT_EQ(direct[s].seriesInstanceUid, isolated[s].seriesInstanceUid);
    EXPECT_EQ(direct[s].description, isolated[s].description);
    EXPECT_EQ(direct[s].modality, isolated[s].modality);
    EXPECT_EQ(direct[s].patient, isolated[s].patient);
    EXPECT_EQ(direct[s].isImage, isolated[s].isImage);
    EXPECT_EQ(direct[s].files, isolated[s].files);
  }
  EXPECT_EQ(selectDicomSeries(folder).files, direct[0].files);
  isolateWith(scriptHelper("abort.sh", "kill -ABRT $$"));
  EXPECT_EQ(errorOf([&] { scanDicomSeries(folder); }),
            folder + ": the image reader crashed with signal 6 (Aborted) scanning this folder; a file in it is "
                     "damaged or in a form aunet cannot read");
}

TEST_F(ReadIsolationTest, ReaderErrorsAreTheSameThroughTheHelper) {
  const core::Geometry g = test::obliqueGeometry();
  writeImage(test::ellipsoidVolume(g), path("cut.nii.gz"));
  fs::resize_file(path("cut.nii.gz"), fs::file_size(path("cut.nii.gz")) / 2);
  core::Volume nan = test::ellipsoidVolume(g);
  nan.data()[3] = std::numeric_limits<float>::quiet_NaN();
  writeImage(nan, path("nan.nii"));
  test::writeBytes(path("text.mha"), "not an image\n");
  ReadOptions small;
  small.maxVoxels = 100;
  writeImage(test::ellipsoidVolume(g), path("big.nii"));
  writeImage(test::ellipsoidVolume(g), path("float.nii"));  // not a label map
  const std::vector<std::pair<std::string, ReadOptions>> cases{
      {path("cut.nii.gz"), {}}, {path("nan.nii"), {}}, {path("text.mha"), {}},
      {path("big.nii"), small}, {path("missing.nii"), {}}, {path("float.nii"), {}}};
  for (const auto& [file, options] : cases) {
    SCOPED_TRACE(file);
    setReadIsolation({});
    const std::string direct = file == path("float.nii") ? errorOf([&] { readLabelMap(file, options); })
                                                         : errorOf([&] { readImage(file, options); });
    ASSERT_FALSE(direct.empty());
    EXPECT_EQ(direct.rfind(file + ": ", 0), 0u) << direct;
    isolateWith(builtHelper());
    const std::string isolated = file == path("float.nii") ? errorOf([&] { readLabelMap(file, options); })
                                                           : errorOf([&] { readImage(file, options); });
    EXPECT_EQ(direct, isolated);
  }
}

TEST_F(ReadIsolationTest, AHelperThatCrashesFailsTheReadNotTheProgram) {
  writeImage(test::ellipsoidVolume(test::obliqueGeometry()), path("image.nii"));
  isolateWith(scriptHelper("abort.sh", "kill -ABRT $$"));
  const std::string aborted = errorOf([&] { readImage(path("image.nii")); });
  EXPECT_EQ(aborted, path("image.nii") + ": the image reader crashed with signal 6 (Aborted) on this file; "
                                         "it is damaged or in a form aunet cannot read");
  isolateWith(scriptHelper("segv.sh", "kill -SEGV $$"));
  EXPECT_NE(errorOf([&] { readLabelMap(path("image.nii")); }).find("crashed with signal 11 (Segmentation fault)"),
            std::string::npos);
  isolateWith(scriptHelper("exit.sh", "exit 1"));
  EXPECT_NE(errorOf([&] { readImageInfo(path("image.nii")); }).find(": the image reader exited with status 1 on this file"),
            std::string::npos);
  // After all that, the real helper still reads the file.
  isolateWith(builtHelper());
  EXPECT_EQ(readImage(path("image.nii")).geometry().size, test::obliqueGeometry().size);
}

TEST_F(ReadIsolationTest, AHelperThatHangsIsStoppedAtTheTimeout) {
  writeImage(test::ellipsoidVolume(test::obliqueGeometry()), path("image.nii"));
  isolateWith(scriptHelper("hang.sh", "exec sleep 60"), 0.5);
  const auto start = std::chrono::steady_clock::now();
  const std::string message = errorOf([&] { readImage(path("image.nii")); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(message, path("image.nii") + ": reading took longer than 0.5 s and was stopped (a damaged file? the "
                                         "limit is --read-timeout)");
  EXPECT_LT(seconds, 10.0);  // killed, not waited for
}

TEST_F(ReadIsolationTest, GarbageFromTheHelperIsABrokenAnswer) {
  writeImage(test::ellipsoidVolume(test::obliqueGeometry()), path("image.nii"));
  // A header length of 2^64-1, then nothing.
  isolateWith(scriptHelper("garbage.sh", "printf '\\377\\377\\377\\377\\377\\377\\377\\377' >&3"));
  EXPECT_EQ(errorOf([&] { readImage(path("image.nii")); }),
            path("image.nii") + ": the image reader's answer was broken: its answer has a broken header");
  // A well-formed header announcing voxels the data descriptor does not hold.
  const std::string header =
      R"({"status":"ok","geometry":{"size":[2,2,2],"spacing":[1,1,1],"origin":[0,0,0],"direction":[1,0,0,0,1,0,0,0,1]},)"
      R"("channels":1,"original_type":"float32","metadata":{"source_path":"x","modality":"","rescale_applied":false,)"
      R"("rescale_slope":1,"rescale_intercept":0,"series_instance_uid":"","series_description":"",)"
      R"("patient_description":"","volume_count":1,"seconds_per_volume":0,"warnings":[]},"bytes":32})";
  test::writeBytes(path("header.json"), header);
  char octal[64];
  std::string lengthOctal;
  for (int b = 0; b < 8; ++b) {
    std::snprintf(octal, sizeof octal, "\\%03o", static_cast<unsigned>((header.size() >> (8 * b)) & 0xff));
    lengthOctal += octal;
  }
  isolateWith(scriptHelper("short.sh", "printf '" + lengthOctal + "' >&3; cat '" + path("header.json") + "' >&3"));
  EXPECT_EQ(errorOf([&] { readImage(path("image.nii")); }),
            path("image.nii") + ": the image reader's answer was broken: it announced more voxels than it wrote");
}

TEST_F(ReadIsolationTest, AMissingHelperIsAnErrorNamingIt) {
  writeImage(test::ellipsoidVolume(test::obliqueGeometry()), path("image.nii"));
  isolateWith(path("no-such-helper"));
  const std::string message = errorOf([&] { readImage(path("image.nii")); });
  EXPECT_EQ(message.rfind(path("image.nii") + ": cannot start the image reader " + path("no-such-helper"), 0), 0u)
      << message;
}

TEST_F(ReadIsolationTest, DefaultHelperComesFromTheEnvironmentWhenSet) {
  const std::string helper = scriptHelper("custom.sh", "exit 0");
  ::setenv("AUNET_IMAGE_READER", helper.c_str(), 1);
  EXPECT_EQ(defaultReaderHelper(), helper);
  ::setenv("AUNET_IMAGE_READER", path("absent").c_str(), 1);
  EXPECT_EQ(defaultReaderHelper(), "");
  ::unsetenv("AUNET_IMAGE_READER");
}

}  // namespace
}  // namespace aunet::io
