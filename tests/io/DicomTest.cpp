// DICOM series through ITK/GDCM: the real 20-slice CT (JPEG 2000 lossless) and the
// 4-slice MONAI series, slice checks, and alignment with a NIfTI segmentation.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "io/DicomSeriesScanner.h"
#include "io/ImageReader.h"
#include "core/Error.h"
#include "io/internal/DicomSeriesWriter.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::io {
namespace {

using namespace aunet::io::test;

class Dicom : public ScratchTest {};

TEST_F(Dicom, CtSeriesLoadsInHounsfieldUnits) {
  AUNET_REQUIRE_SHARED(folder, "totalsegmentator-example/ct_dicom");
  const core::Volume ct = readImage(folder.string());
  const core::Geometry& g = ct.geometry();
  EXPECT_EQ(g.size, (core::Index3{512, 512, 20}));
  EXPECT_NEAR(g.spacing[0], 0.977, 1e-3);
  EXPECT_NEAR(g.spacing[1], 0.977, 1e-3);
  EXPECT_NEAR(g.spacing[2], 2.0, 1e-6);
  EXPECT_NEAR(g.origin[1], -437.5, 0.1);  // data README: ITK reads origin y = -437.5 mm
  EXPECT_EQ(g.orientationCode(), "RAI");
  EXPECT_EQ(ct.metadata().modality, "CT");
  EXPECT_TRUE(ct.metadata().rescaleApplied);
  EXPECT_DOUBLE_EQ(ct.metadata().rescaleIntercept, -1024.0);
  EXPECT_DOUBLE_EQ(ct.metadata().rescaleSlope, 1.0);
  EXPECT_EQ(ct.metadata().seriesDescription, "CT Body 3.0");  // (this anonymized series has no UID)
  EXPECT_TRUE(ct.metadata().warnings.empty());
  const auto [lo, hi] = std::minmax_element(ct.voxels().begin(), ct.voxels().end());
  EXPECT_GE(*lo, -1024.0f - 1.0f);  // nothing below the rescale floor
  EXPECT_LT(*lo, -900.0f);          // air
  EXPECT_GT(*hi, 500.0f);           // bone
  // Slices are ordered along +z: the first slice has the lowest z.
  EXPECT_LT(g.indexToPhysical({0, 0, 0})[2], g.indexToPhysical({0, 0, 19})[2]);
}

TEST_F(Dicom, ScanListsTheSeriesAndOneFileOpensIt) {
  AUNET_REQUIRE_SHARED(folder, "totalsegmentator-example/ct_dicom");
  const auto series = scanDicomSeries(folder.string());
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].sliceCount(), 20);
  EXPECT_EQ(series[0].modality, "CT");
  EXPECT_TRUE(series[0].isImage);
  EXPECT_FALSE(series[0].id.empty());

  // One file (named by UID, no extension) opens its whole series.
  const core::Volume fromFile = readImage(series[0].files[7]);
  const core::Volume fromFolder = readImage(folder.string());
  EXPECT_TRUE(fromFile.geometry().sameGrid(fromFolder.geometry(), 1e-9));
  EXPECT_EQ(fromFile.voxels(), fromFolder.voxels());

  ReadOptions byUid;
  byUid.dicomSeriesUid = series[0].id;
  EXPECT_EQ(readImage(folder.string(), byUid).geometry().size[2], 20);
  byUid.dicomSeriesUid = "1.2.3.4";
  EXPECT_THROW(readImage(folder.string(), byUid), core::Error);
}

TEST_F(Dicom, MonaiSeriesWithAGapIsAnErrorUnlessAllowed) {
  // Instances 18, 180, 181, 182: slices at z = -99.48, 103.02, 104.27, 105.52 mm.
  AUNET_REQUIRE_SHARED(folder, "monai-testing/CT_DICOM");
  EXPECT_EQ(detectFormat((folder / "7106").string()), ImageFormat::Dicom);  // numeric name, DICM magic
  try {
    readImage(folder.string());
    ADD_FAILURE() << "a 202.5 mm gap in a 1.25 mm series must be reported";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing slice(s): a gap of 202.5 mm"), std::string::npos) << e.what();
    EXPECT_EQ(e.kind(), core::ErrorKind::UnevenSlices);  // the CLI's hint names --allow-uneven-slices
    EXPECT_EQ(std::string(e.what()).find("allowUnevenSlices"), std::string::npos) << "an internal name in a message";
  }
  ReadOptions tolerant;
  tolerant.allowUnevenSlices = true;
  const core::Volume ct = readImage((folder / "7106").string(), tolerant);
  EXPECT_EQ(ct.geometry().size, (core::Index3{16, 16, 4}));
  EXPECT_EQ(ct.metadata().warnings.size(), 1u);
  EXPECT_EQ(ct.metadata().modality, "CT");
}

TEST_F(Dicom, SegmentationLinesUpThroughPhysicalSpace) {
  AUNET_REQUIRE_SHARED(folder, "totalsegmentator-example/ct_dicom");
  AUNET_REQUIRE_SHARED(segFile, "totalsegmentator-example/ct_dicom_seg.nii.gz");
  const core::Geometry ct = readImageInfo(folder.string()).geometry;
  const core::LabelMap seg = readLabelMap(segFile.string());
  const core::Geometry& sg = seg.geometry();
  ASSERT_EQ(sg.size, ct.size);
  // The files run opposite ways along y: the seg voxel (i, j, k) is the CT voxel
  // (i, 511 - j, k), exactly.
  for (const core::Index3 ijk : {core::Index3{0, 0, 0}, core::Index3{511, 0, 19}, core::Index3{100, 300, 7}}) {
    const core::Vec3 p = sg.indexToPhysical({double(ijk[0]), double(ijk[1]), double(ijk[2])});
    const core::Vec3 idx = ct.physicalToIndex(p);
    EXPECT_NEAR(idx[0], ijk[0], 1e-3);
    EXPECT_NEAR(idx[1], 511 - ijk[1], 1e-3);
    EXPECT_NEAR(idx[2], ijk[2], 1e-3);
  }
}

TEST_F(Dicom, MissingSliceIsDetected) {
  AUNET_REQUIRE_SHARED(folder, "totalsegmentator-example/ct_dicom");
  const auto series = scanDicomSeries(folder.string());
  ASSERT_EQ(series.size(), 1u);
  for (size_t s = 0; s < series[0].files.size(); ++s)
    if (s != 10) fs::copy_file(series[0].files[s], dir_ / fs::path(series[0].files[s]).filename());
  try {
    readImage(dir_.string());
    ADD_FAILURE() << "a missing slice must be an error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing slice"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(dir_.string()), std::string::npos) << e.what();
  }
  ReadOptions tolerant;
  tolerant.allowUnevenSlices = true;
  const core::Volume v = readImage(dir_.string(), tolerant);
  EXPECT_EQ(v.geometry().size[2], 19);
  ASSERT_EQ(v.metadata().warnings.size(), 1u);
  EXPECT_NE(v.metadata().warnings[0].find("missing slice"), std::string::npos);
}

TEST_F(Dicom, EmptyFolderAndTextFileNamedDcmAreErrors) {
  EXPECT_THROW(readImage(dir_.string()), core::Error);
  try {
    readImage(dir_.string());
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no DICOM series"), std::string::npos) << e.what();
  }
  const std::string text = path("report.dcm");
  writeBytes(text, "This is a radiology report, not a DICOM file.\n");
  try {
    readImage(text);
    ADD_FAILURE() << "a text file named .dcm must be an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(text, 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a readable DICOM"), std::string::npos) << e.what();
  }
}

TEST_F(Dicom, FolderHoldingOnlyATextFileNamedDcmHasNoSeries) {
  EXPECT_TRUE(scanDicomSeries(dir_.string()).empty());
  try {
    readImageInfo(dir_.string());
    ADD_FAILURE() << "an empty folder must be an error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no DICOM series"), std::string::npos) << e.what();
  }
  writeBytes(path("notes.dcm"), "not DICOM at all\n");
  EXPECT_TRUE(scanDicomSeries(dir_.string()).empty());
  try {
    readImage(dir_.string());
    ADD_FAILURE() << "a folder without DICOM files must be an error";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(dir_.string(), 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("no DICOM series"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
  }
}

TEST_F(Dicom, GeneratedObliqueSeriesReadsBackOnItsGrid) {
  // The internal writer (used by the IO benchmark) and the reader agree on geometry
  // and voxels, for an oblique, anisotropic grid.
  const core::Geometry g = obliqueGeometry({23, 19, 11});
  core::Volume v(g, 1, core::PixelType::Int16);
  for (int64_t i = 0; i < g.voxelCount(); ++i) v.data()[i] = static_cast<float>((i * 37) % 3000 - 1024);
  const auto files = internal::writeDicomSeries(v, dir_.string());
  ASSERT_EQ(files.size(), 11u);
  const core::Volume back = readImage(dir_.string());
  expectSameGeometry(g, back.geometry(), 1e-5);
  EXPECT_EQ(back.voxels(), v.voxels());
  EXPECT_EQ(back.metadata().modality, "CT");
  EXPECT_TRUE(back.metadata().warnings.empty());
}

}  // namespace
}  // namespace aunet::io
