// NIfTI as tools really write it (issue 22): scaled integers, sform-only oblique
// grids, disagreeing sform and qform, NIfTI-2, big-endian files, 4D files of several
// volumes, and truncated files of each kind. Files are built byte by byte at run time
// (tests/io/NiftiFileBuilder.h); the expected grids are the affines as nibabel computes
// them, written down here and turned into LPS (x and y negated).

#include <gtest/gtest.h>

#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkNiftiImageIO.h>

#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NiftiFileBuilder.h"

namespace aunet::io {
namespace {

using test::NiftiFileBuilder;
namespace fs = std::filesystem;

class NiftiReaderTest : public test::ScratchTest {};

constexpr int64_t kNx = 5, kNy = 4, kNz = 3, kVoxels = kNx * kNy * kNz;

std::vector<int16_t> rawInt16() {
  std::vector<int16_t> v(kVoxels);
  for (int64_t i = 0; i < kVoxels; ++i) v[static_cast<size_t>(i)] = static_cast<int16_t>((i * 37) % 200 - 100);
  return v;
}

NiftiFileBuilder grid3d() {
  NiftiFileBuilder b;
  b.dim = {3, kNx, kNy, kNz, 1, 1, 1, 1};
  return b;
}

std::string errorOf(const std::string& file, const ReadOptions& options = {}) {
  try {
    readImage(file, options);
  } catch (const core::Error& e) {
    return e.what();
  }
  return "";
}

bool hasWarning(const core::Volume& v, const std::string& part) {
  for (const auto& w : v.metadata().warnings)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

// The LPS grid of a NIfTI affine (RAS) as nibabel reports it: columns' lengths are the
// spacings, x and y negated.
core::Geometry lpsGridOf(const std::array<std::array<double, 4>, 3>& ras, core::Index3 size) {
  core::Geometry g;
  g.size = size;
  for (int c = 0; c < 3; ++c) {
    double norm = 0;
    for (int r = 0; r < 3; ++r) norm += ras[r][c] * ras[r][c];
    norm = std::sqrt(norm);
    g.spacing[c] = norm;
    for (int r = 0; r < 3; ++r) g.direction[r * 3 + c] = (r < 2 ? -1 : 1) * ras[r][c] / norm;
  }
  for (int r = 0; r < 3; ++r) g.origin[r] = (r < 2 ? -1 : 1) * ras[r][3];
  return g;
}

// The same file through ITK's NiftiImageIO, voxels as float (ITK applies the scaling).
core::Volume readWithItk(const std::string& file) {
  using Image = itk::Image<float, 3>;
  auto reader = itk::ImageFileReader<Image>::New();
  reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(file);
  reader->Update();
  const Image* image = reader->GetOutput();
  core::Geometry g;
  for (unsigned a = 0; a < 3; ++a) {
    g.size[a] = static_cast<int64_t>(image->GetLargestPossibleRegion().GetSize()[a]);
    g.spacing[a] = image->GetSpacing()[a];
    g.origin[a] = image->GetOrigin()[a];
    for (unsigned r = 0; r < 3; ++r) g.direction[r * 3 + a] = image->GetDirection()(r, a);
  }
  core::Volume v(g, 1);
  std::copy(image->GetBufferPointer(), image->GetBufferPointer() + g.voxelCount(), v.data());
  return v;
}

// Rz(25 deg) * Ry(-15 deg) * diag(0.8, 0.9, 2.5), origin (10, -20, 30): an oblique
// anisotropic sform as float32 holds it.
std::array<std::array<double, 4>, 3> obliqueSform() {
  const double a = 25 * M_PI / 180, b = -15 * M_PI / 180;
  const double rz[3][3] = {{std::cos(a), -std::sin(a), 0}, {std::sin(a), std::cos(a), 0}, {0, 0, 1}};
  const double ry[3][3] = {{std::cos(b), 0, std::sin(b)}, {0, 1, 0}, {-std::sin(b), 0, std::cos(b)}};
  const double spacing[3] = {0.8, 0.9, 2.5};
  std::array<std::array<double, 4>, 3> m{};
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) {
      double v = 0;
      for (int k = 0; k < 3; ++k) v += rz[r][k] * ry[k][c];
      m[r][c] = static_cast<float>(v * spacing[c]);
    }
  }
  m[0][3] = 10, m[1][3] = -20, m[2][3] = 30;
  return m;
}

TEST_F(NiftiReaderTest, ScaledIntegersReadWithTheScalingApplied) {
  // The reproduction: an int16 file with scl_slope 2 was refused as truncated.
  struct Case {
    int datatype, bytes;
    double slope, inter;
  };
  for (const Case c : {Case{256, 1, 2.0, 0.0}, Case{4, 2, 2.0, 0.0}, Case{4, 2, 2.5, -7.0}, Case{512, 2, 0.25, 1024.0},
                       Case{512, 2, 1.0, -1024.0}})
    for (const char* ending : {".nii", ".nii.gz"}) {
      SCOPED_TRACE("datatype " + std::to_string(c.datatype) + " slope " + std::to_string(c.slope) + " inter " +
                   std::to_string(c.inter) + ending);
      NiftiFileBuilder b = grid3d();
      b.datatype = c.datatype;
      b.bitpix = 8 * c.bytes;
      b.sclSlope = c.slope;
      b.sclInter = c.inter;
      std::vector<double> raw;
      for (int16_t r : rawInt16()) raw.push_back(c.datatype == 256 ? r : c.datatype == 512 ? r + 100 : r);
      if (c.datatype == 256) {
        std::vector<int8_t> v(raw.begin(), raw.end());
        b.setValues(v);
      } else if (c.datatype == 512) {
        std::vector<uint16_t> v(raw.begin(), raw.end());
        b.setValues(v);
      } else {
        std::vector<int16_t> v(raw.begin(), raw.end());
        b.setValues(v);
      }
      const std::string file = path(std::string("scaled") + ending);
      b.write(file);
      const core::Volume v = readImage(file);
      ASSERT_EQ(v.channels(), 1);
      for (int64_t i = 0; i < kVoxels; ++i)
        ASSERT_EQ(v.data()[i], static_cast<float>(c.slope * raw[static_cast<size_t>(i)] + c.inter)) << "voxel " << i;
      EXPECT_EQ(v.originalType(), core::PixelType::Float32);
      EXPECT_TRUE(v.metadata().rescaleApplied);
      EXPECT_EQ(v.metadata().rescaleSlope, c.slope);
      EXPECT_EQ(readImageInfo(file).pixelType, core::PixelType::Float32);
    }
}

TEST_F(NiftiReaderTest, IdentityOrZeroScalingKeepsTheIntegerType) {
  for (const double slope : {0.0, 1.0}) {
    NiftiFileBuilder b = grid3d();
    b.setValues(rawInt16());
    b.sclSlope = slope;
    const std::string file = path("unscaled.nii");
    b.write(file);
    const core::Volume v = readImage(file);
    EXPECT_EQ(v.originalType(), core::PixelType::Int16);
    EXPECT_FALSE(v.metadata().rescaleApplied);
    EXPECT_EQ(v.data()[7], static_cast<float>(rawInt16()[7]));
  }
}

TEST_F(NiftiReaderTest, ScaledLabelMapsAreWholeNumbersOrRefused) {
  std::vector<int16_t> raw(kVoxels);
  for (int64_t i = 0; i < kVoxels; ++i) raw[static_cast<size_t>(i)] = static_cast<int16_t>(i % 4);
  NiftiFileBuilder b = grid3d();
  b.setValues(raw);
  b.sclSlope = 2.0;
  b.sclInter = 1.0;
  b.write(path("labels.nii.gz"));
  const core::LabelMap l = readLabelMap(path("labels.nii.gz"));
  for (int64_t i = 0; i < kVoxels; ++i) ASSERT_EQ(l.data()[i], 2 * (i % 4) + 1);
  b.sclSlope = 0.5;
  b.sclInter = 0.0;
  b.write(path("half.nii.gz"));
  EXPECT_THROW(
      {
        try {
          readLabelMap(path("half.nii.gz"));
        } catch (const core::Error& e) {
          EXPECT_NE(std::string(e.what()).find("not whole numbers (e.g. 0.5)"), std::string::npos) << e.what();
          throw;
        }
      },
      core::Error);
}

TEST_F(NiftiReaderTest, SformOnlyObliqueFilesReadOnTheSformGrid) {
  NiftiFileBuilder b = grid3d();
  b.setValues(rawInt16());
  b.sformCode = 2;
  b.srow = obliqueSform();
  for (int version : {1, 2}) {
    b.version = version;
    b.write(path("oblique.nii.gz"));
    const core::Volume v = readImage(path("oblique.nii.gz"));
    const core::Geometry expected = lpsGridOf(b.srow, {kNx, kNy, kNz});
    test::expectSameGeometry(expected, v.geometry(), 1e-6);
    EXPECT_TRUE(v.metadata().warnings.empty()) << v.metadata().warnings.front();
    // Voxel (4, 3, 2) where the sform puts it: srow * (4, 3, 2, 1), x and y negated.
    const core::Vec3 p = v.geometry().indexToPhysical({4, 3, 2});
    for (int r = 0; r < 3; ++r) {
      const double ras = b.srow[r][0] * 4 + b.srow[r][1] * 3 + b.srow[r][2] * 2 + b.srow[r][3];
      EXPECT_NEAR(p[r], (r < 2 ? -ras : ras), 1e-5) << "axis " << r;
    }
  }
  // A sheared sform (axes 3 degrees off perpendicular) reads with the nearest rotation
  // and says so.
  b.version = 1;
  b.srow[0][1] += 0.05;
  b.write(path("sheared.nii"));
  const core::Volume sheared = readImage(path("sheared.nii"));
  EXPECT_TRUE(hasWarning(sheared, "not perpendicular")) << ::testing::PrintToString(sheared.metadata().warnings);
  EXPECT_NO_THROW(sheared.geometry().validate("sheared"));
}

TEST_F(NiftiReaderTest, QformIsMethodTwoWithQfac) {
  // A 90-degree turn about z (a = d = sqrt(1/2)), qfac -1, pixdim 0.5/0.6/0.7, offset
  // (1, 2, 3). RAS columns: (0, 0.5, 0), (-0.6, 0, 0), (0, 0, -0.7).
  NiftiFileBuilder b = grid3d();
  b.setValues(rawInt16());
  b.qformCode = 1;
  b.quatern = {0, 0, std::sqrt(0.5)};
  b.qoffset = {1, 2, 3};
  b.pixdim = {-1, 0.5, 0.6, 0.7, 1, 1, 1, 1};
  b.write(path("qform.nii"));
  const core::Volume v = readImage(path("qform.nii"));
  core::Geometry expected;
  expected.size = {kNx, kNy, kNz};
  expected.spacing = {0.5, 0.6, 0.7};
  expected.origin = {-1, -2, 3};
  expected.direction = {0, 1, 0, -1, 0, 0, 0, 0, -1};
  test::expectSameGeometry(expected, v.geometry(), 1e-6);
}

TEST_F(NiftiReaderTest, SformWinsOverADisagreeingQformWithAWarning) {
  NiftiFileBuilder b = grid3d();
  b.setValues(rawInt16());
  b.qformCode = 1;  // identity at the origin
  b.sformCode = 2;
  b.srow = {{{1, 0, 0, 40}, {0, 1, 0, 0}, {0, 0, 1, 0}}};
  b.write(path("disagree.nii"));
  const core::Volume v = readImage(path("disagree.nii"));
  EXPECT_EQ(v.geometry().origin, (core::Vec3{-40, 0, 0}));
  EXPECT_TRUE(hasWarning(v, "sform (code 2, aligned) and qform (code 1, scanner) place voxels up to 40 mm apart"))
      << ::testing::PrintToString(v.metadata().warnings);
  EXPECT_FALSE(readImageInfo(path("disagree.nii")).warnings.empty());
  // Within a voxel: no warning, still the sform.
  b.srow[0][3] = 0.4;
  b.write(path("agree.nii"));
  const core::Volume agree = readImage(path("agree.nii"));
  EXPECT_NEAR(agree.geometry().origin[0], -0.4, 1e-6);
  EXPECT_TRUE(agree.metadata().warnings.empty());
}

TEST_F(NiftiReaderTest, Nifti2AndBigEndianFilesReadLikeNifti1) {
  NiftiFileBuilder b = grid3d();
  b.setValues(rawInt16());
  b.sclSlope = 1.5;
  b.sformCode = 1;
  b.srow = obliqueSform();
  b.write(path("reference.nii"));
  const core::Volume reference = readImage(path("reference.nii"));
  for (int version : {1, 2})
    for (bool big : {false, true})
      for (const char* ending : {".nii", ".nii.gz"}) {
        SCOPED_TRACE("NIfTI-" + std::to_string(version) + (big ? " big-endian" : "") + ending);
        b.version = version;
        b.bigEndian = big;
        const std::string file = path(std::string("variant") + ending);
        b.write(file);
        const core::Volume v = readImage(file);
        EXPECT_EQ(v.voxels(), reference.voxels());
        test::expectSameGeometry(reference.geometry(), v.geometry(), 1e-6);
        EXPECT_EQ(readImageInfo(file).geometry.size, reference.geometry().size);
      }
}

TEST_F(NiftiReaderTest, FourDFilesBecomeChannels) {
  for (int volumes : {2, 3, 4}) {
    SCOPED_TRACE(std::to_string(volumes) + " volumes");
    NiftiFileBuilder b = grid3d();
    b.dim = {4, kNx, kNy, kNz, volumes, 1, 1, 1};
    b.pixdim = {1, 1, 1, 1, 2.5, 1, 1, 1};
    b.xyztUnits = 2 | 8;  // mm, seconds
    b.datatype = 16;
    b.bitpix = 32;
    std::vector<float> values;
    for (int t = 0; t < volumes; ++t)
      for (int64_t i = 0; i < kVoxels; ++i) values.push_back(static_cast<float>(1000 * t + i));
    b.setValues(values);
    b.write(path("4d.nii.gz"));
    const core::Volume v = readImage(path("4d.nii.gz"));
    ASSERT_EQ(v.channels(), volumes);
    EXPECT_EQ(v.voxels(), values);
    EXPECT_EQ(v.metadata().volumeCount, volumes);
    EXPECT_DOUBLE_EQ(v.metadata().secondsPerVolume, 2.5);
    const ImageInfo info = readImageInfo(path("4d.nii.gz"));
    EXPECT_EQ(info.volumes, volumes);
    EXPECT_EQ(info.channels, volumes);
    // One volume alone.
    ReadOptions one;
    one.volumeIndex = volumes - 1;
    const core::Volume last = readImage(path("4d.nii.gz"), one);
    ASSERT_EQ(last.channels(), 1);
    EXPECT_EQ(last.data()[3], static_cast<float>(1000 * (volumes - 1) + 3));
    one.volumeIndex = volumes;
    EXPECT_NE(errorOf(path("4d.nii.gz"), one).find("the file has " + std::to_string(volumes) + " volume(s)"),
              std::string::npos);
    EXPECT_THROW(readLabelMap(path("4d.nii.gz")), core::Error);
  }
}

TEST_F(NiftiReaderTest, TruncatedFilesOfEveryKindAreRefused) {
  struct Kind {
    int version;
    double slope;
    int volumes;
  };
  for (const Kind k : {Kind{1, 0, 1}, Kind{2, 0, 1}, Kind{1, 2.0, 1}, Kind{2, 2.0, 1}, Kind{1, 0, 3}})
    for (const char* ending : {".nii", ".nii.gz"}) {
      SCOPED_TRACE("NIfTI-" + std::to_string(k.version) + " slope " + std::to_string(k.slope) + " volumes " +
                   std::to_string(k.volumes) + ending);
      NiftiFileBuilder b = grid3d();
      b.version = k.version;
      b.sclSlope = k.slope;
      b.dim[0] = k.volumes > 1 ? 4 : 3;
      b.dim[4] = k.volumes;
      std::vector<int16_t> values;
      for (int t = 0; t < k.volumes; ++t)
        for (int16_t v : rawInt16()) values.push_back(v);
      b.setValues(values);
      const std::string whole = b.bytes();
      const std::string file = path(std::string("cut") + ending);
      NiftiFileBuilder::writeFile(file, whole);
      EXPECT_NO_THROW(readImage(file));
      for (size_t missing : {size_t{1}, size_t{2 * kVoxels / 3}, whole.size() - 360}) {
        NiftiFileBuilder::writeFile(file, whole.substr(0, whole.size() - missing));
        const std::string error = errorOf(file);
        EXPECT_NE(error.find("truncated"), std::string::npos) << "missing " << missing << ": " << error;
        EXPECT_EQ(error.rfind(file + ": ", 0), 0u) << error;
      }
    }
}

TEST_F(NiftiReaderTest, TwoDimensionalFileWithAFlatSformReads) {
  NiftiFileBuilder b;
  b.dim = {2, kNx, kNy, 1, 1, 1, 1, 1};
  b.pixdim = {1, 0.5, 0.5, 0, 1, 1, 1, 1};
  std::vector<int16_t> values(static_cast<size_t>(kNx * kNy), 3);
  b.setValues(values);
  b.sformCode = 2;
  b.srow = {{{-0.5, 0, 0, 10}, {0, -0.5, 0, 20}, {0, 0, 0, 0}}};  // third column zero
  b.write(path("flat.nii"));
  const core::Volume v = readImage(path("flat.nii"));
  EXPECT_EQ(v.geometry().size, (core::Index3{kNx, kNy, 1}));
  EXPECT_EQ(v.geometry().spacing, (core::Vec3{0.5, 0.5, 1.0}));
  EXPECT_EQ(v.geometry().origin, (core::Vec3{-10, -20, 0}));
  EXPECT_EQ(v.geometry().direction, (core::Mat3{1, 0, 0, 0, 1, 0, 0, 0, 1}));
}

// aunet's reader against ITK's NiftiImageIO, on files ITK reads: same voxels, same grid.
TEST_F(NiftiReaderTest, AgreesWithItkOnFilesItkReads) {
  struct Form {
    const char* name;
    int qform, sform;
  };
  for (const Form f : {Form{"no forms", 0, 0}, Form{"qform", 1, 0}, Form{"both, equal", 1, 1}})
    for (const int datatype : {2, 4, 16, 64}) {
      SCOPED_TRACE(std::string(f.name) + ", datatype " + std::to_string(datatype));
      NiftiFileBuilder b = grid3d();
      b.qformCode = f.qform;
      b.sformCode = f.sform;
      b.quatern = {0.1, -0.2, 0.3};
      b.qoffset = {-5, 7.5, 12};
      b.pixdim = {-1, 0.7, 0.8, 1.9, 1, 1, 1, 1};
      b.datatype = datatype;
      std::vector<double> values;
      for (int16_t r : rawInt16()) values.push_back(datatype == 2 ? r + 100 : r * (datatype >= 16 ? 0.5 : 1.0));
      if (datatype == 2) b.setValues(std::vector<uint8_t>(values.begin(), values.end()));
      if (datatype == 4) b.setValues(std::vector<int16_t>(values.begin(), values.end()));
      if (datatype == 16) b.setValues(std::vector<float>(values.begin(), values.end()));
      if (datatype == 64) b.setValues(values);
      b.bitpix = 8 * b.valueBytes;
      if (f.sform) {
        // The sform ITK writes: the qform's affine, as aunet's writer leaves both.
        b.sformCode = 0;
        b.write(path("q.nii"));
        b.sformCode = f.sform;
        const core::Geometry q = readImage(path("q.nii")).geometry();
        for (int r = 0; r < 3; ++r) {
          for (int c = 0; c < 3; ++c) b.srow[r][c] = (r < 2 ? -1 : 1) * q.direction[r * 3 + c] * q.spacing[c];
          b.srow[r][3] = (r < 2 ? -1 : 1) * q.origin[r];
        }
      }
      const std::string file = path("itk.nii");
      b.write(file);
      const core::Volume ours = readImage(file);

      const core::Volume theirs = readWithItk(file);
      test::expectSameGeometry(theirs.geometry(), ours.geometry(), 1e-5);
      EXPECT_EQ(ours.voxels(), theirs.voxels());
    }
}

// sform_code and srow of a NIfTI-1 file, read from its bytes (either byte order).
struct RawSform {
  int code = 0;
  std::array<std::array<double, 4>, 3> srow{};
};
RawSform rawSform(const std::string& file) {
  gzFile gz = gzopen(file.c_str(), "rb");
  unsigned char h[348] = {};
  const int got = gzread(gz, h, sizeof h);
  gzclose(gz);
  RawSform out;
  if (got != 348) return out;
  int32_t size;
  std::memcpy(&size, h, 4);
  const bool swap = size != 348;
  auto field = [&](size_t at, size_t width, void* dst) {
    unsigned char b[4];
    std::memcpy(b, h + at, width);
    if (swap) std::reverse(b, b + width);
    std::memcpy(dst, b, width);
  };
  int16_t code;
  field(254, 2, &code);
  out.code = code;
  for (size_t r = 0; r < 3; ++r)
    for (size_t c = 0; c < 4; ++c) {
      float v;
      field(280 + 16 * r + 4 * c, 4, &v);
      out.srow[r][c] = v;
    }
  return out;
}

// Every real NIfTI file at hand (the shared data, Debian's mricron-data templates):
// the voxels ITK reads, on the sform's grid when the file has one (several of the
// atlases' qforms point elsewhere, where ITK 5.2 followed them), else on ITK's grid.
TEST_F(NiftiReaderTest, RealFilesReadTheVoxelsItkReadsOnTheSformGrid) {
  if (test::sharedDataDir().empty())
    AUNET_SHARED_MISSING("shared data not found; set AUNET_SHARED_DATA to the shared/data folder");
  std::vector<fs::path> files;
  for (const fs::path& folder : {test::sharedDataDir(), fs::path("/usr/share/mricron/templates")}) {
    if (!fs::is_directory(folder)) continue;
    for (const auto& e : fs::recursive_directory_iterator(folder)) {
      const std::string name = e.path().filename().string();
      const bool nii = name.size() > 4 && name.compare(name.size() - 4, 4, ".nii") == 0;
      const bool niiGz = name.size() > 7 && name.compare(name.size() - 7, 7, ".nii.gz") == 0;
      if (e.is_regular_file() && (nii || niiGz)) files.push_back(e.path());
    }
  }
  ASSERT_GE(files.size(), 7u);
  int differentFromItk = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const core::Volume ours = readImage(file.string());
    const core::Volume theirs = readWithItk(file.string());
    const RawSform sform = rawSform(file.string());
    const core::Geometry expected =
        sform.code > 0 ? lpsGridOf(sform.srow, theirs.geometry().size) : theirs.geometry();
    test::expectSameGeometry(expected, ours.geometry(), 1e-4);
    differentFromItk += !ours.geometry().sameGrid(theirs.geometry(), 1e-4);
    ASSERT_EQ(ours.channels(), 1);
    EXPECT_EQ(ours.voxels(), theirs.voxels());
  }
  std::cout << "[ real files ] " << files.size() << " NIfTI files: ITK's voxels; " << differentFromItk
            << " on another grid than ITK's (their qform disagrees with their sform)\n";
}

// Masks go out with qform and sform both set to the grid they were computed on.
TEST_F(NiftiReaderTest, WrittenMasksCarryBothFormsOnTheirGrid) {
  const core::Geometry g = test::obliqueGeometry({9, 8, 7});
  const core::LabelMap labels = test::ellipsoidLabels(g, 2, 1);
  writeLabelMap(labels, path("mask.nii.gz"));
  gzFile gz = gzopen(path("mask.nii.gz").c_str(), "rb");
  ASSERT_NE(gz, nullptr);
  unsigned char h[348];
  ASSERT_EQ(gzread(gz, h, sizeof h), 348);
  gzclose(gz);
  int16_t qform = 0, sform = 0;
  std::memcpy(&qform, h + 252, 2);
  std::memcpy(&sform, h + 254, 2);
  EXPECT_GT(qform, 0);
  EXPECT_GT(sform, 0);
  for (int r = 0; r < 3; ++r) {
    float row[4];
    std::memcpy(row, h + 280 + 16 * r, sizeof row);
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(row[c], (r < 2 ? -1 : 1) * g.direction[r * 3 + c] * g.spacing[c], 1e-5) << r << "," << c;
    EXPECT_NEAR(row[3], (r < 2 ? -1 : 1) * g.origin[r], 1e-4) << r;
  }
  const core::LabelMap back = readLabelMap(path("mask.nii.gz"));
  test::expectSameGeometry(g, back.geometry(), 1e-5);
  EXPECT_TRUE(back.metadata().warnings.empty());
  EXPECT_EQ(back.labels(), labels.labels());
}

}  // namespace
}  // namespace aunet::io

namespace aunet::io {
namespace {

// ITK's NIfTI library opened x.nii when asked for x.nii.gz whenever both existed
// (seen with strace while benchmarking): a file next to the one named must not be read.
TEST_F(NiftiReaderTest, ACompressedFileIsReadEvenWithAnUncompressedSibling) {
  NiftiFileBuilder b = grid3d();
  b.setValues(rawInt16());
  b.write(path("x.nii.gz"));
  b.setValues(std::vector<int16_t>(kVoxels, 7));
  b.write(path("x.nii"));
  EXPECT_EQ(readImage(path("x.nii.gz")).data()[1], static_cast<float>(rawInt16()[1]));
  EXPECT_EQ(readImage(path("x.nii")).data()[1], 7.0f);
}

}  // namespace
}  // namespace aunet::io
