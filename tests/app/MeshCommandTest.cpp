// `aunet mesh` in-process: one file per label named from labels.json, vertices where
// the labels lie in patient space, each format's header, and one-line errors that
// leave the output folder empty.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "app/commands/ConvertCommand.h"
#include "app/commands/MeshCommand.h"
#include "core/Error.h"
#include "core/LabelMap.h"
#include "io/ImageWriter.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

struct Ball {
  uint16_t label;
  core::Vec3 centre;
  double radius;
};

class MeshCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aunet-mesh-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // An anisotropic grid mirrored along j and off the origin, as a DICOM-derived NIfTI often is.
    core::Geometry g;
    g.size = {48, 40, 30};
    g.spacing = {1.0, 1.25, 1.5};
    g.origin = {-30.0, 40.0, -10.0};
    g.direction = {1, 0, 0, 0, -1, 0, 0, 0, 1};
    core::LabelMap mask(g);
    for (int64_t k = 0; k < g.size[2]; ++k)
      for (int64_t j = 0; j < g.size[1]; ++j)
        for (int64_t i = 0; i < g.size[0]; ++i) {
          const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
          for (const Ball& b : balls_)
            if (std::hypot(p[0] - b.centre[0], p[1] - b.centre[1], p[2] - b.centre[2]) <= b.radius)
              mask.at(i, j, k) = b.label;
        }
    mask_ = (dir_ / "mask.nii.gz").string();
    io::writeLabelMap(mask, mask_);
    std::ofstream(dir_ / "labels.json")
        << R"([{"value": 1, "name": "liver", "color": [200, 80, 60]},
               {"value": 2, "name": "left kidney", "color": [60, 200, 80]},
               {"value": 3, "name": "spleen", "color": [60, 80, 200]}])";
    out_ = (dir_ / "meshes").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::set<std::string> written() const {
    std::set<std::string> names;
    if (fs::exists(out_))
      for (const auto& e : fs::directory_iterator(out_)) names.insert(e.path().filename().string());
    return names;
  }
  MeshOptions options() const {
    MeshOptions o;
    o.input = mask_;
    o.outputDir = out_;
    return o;
  }
  // Runs with `o` and expects a core::Error whose message holds `fragment`, and no file.
  void expectRefused(const MeshOptions& o, const std::string& fragment) {
    std::ostringstream log;
    try {
      runMeshCommand(o, log);
      ADD_FAILURE() << "accepted; expected an error with: " << fragment;
    } catch (const core::Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(fragment), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
    }
    EXPECT_TRUE(written().empty()) << "files written before the error";
  }

  fs::path dir_;
  std::string mask_, out_;
  // Label 5 has no name in labels.json; label 3 (spleen) is named but absent.
  const std::vector<Ball> balls_{{1, {-8.0, 10.0, 8.0}, 12.0}, {2, {12.0, 5.0, 15.0}, 7.0}, {5, {0.0, 20.0, 25.0}, 4.0}};
};

// Binary STL: its header and the mean of its triangles' corners.
struct StlFile {
  std::string header;
  uint32_t triangles = 0;
  core::Vec3 mean{0, 0, 0};
};
StlFile readStl(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  StlFile f;
  if (bytes.size() < 84) return f;
  f.header = bytes.substr(0, 80);
  std::memcpy(&f.triangles, bytes.data() + 80, 4);
  EXPECT_EQ(bytes.size(), 84 + 50ull * f.triangles) << path;
  for (uint32_t t = 0; t < f.triangles && 84 + 50ull * (t + 1) <= bytes.size(); ++t) {
    float v[9];
    std::memcpy(v, bytes.data() + 84 + 50 * t + 12, sizeof v);
    for (int c = 0; c < 3; ++c)
      for (int a = 0; a < 3; ++a) f.mean[a] += v[3 * c + a] / (3.0 * f.triangles);
  }
  return f;
}

TEST_F(MeshCommand, WritesOneNamedStlPerLabelWhereTheLabelLies) {
  std::ostringstream log;
  EXPECT_EQ(runMeshCommand(options(), log), 0);
  EXPECT_EQ(written(), (std::set<std::string>{"1_liver.stl", "2_left_kidney.stl", "5_label_5.stl"})) << log.str();
  for (const Ball& b : balls_) {
    const std::string name = b.label == 1 ? "1_liver.stl" : b.label == 2 ? "2_left_kidney.stl" : "5_label_5.stl";
    const StlFile stl = readStl((fs::path(out_) / name).string());
    EXPECT_GT(stl.triangles, 100u) << name;
    EXPECT_NE(stl.header.find("LPS mm"), std::string::npos) << stl.header;
    // Corners spread evenly over a sphere average to its centre (a wrong axis sign or a
    // missing origin would be off by centimetres).
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(stl.mean[a], b.centre[a], 0.75) << name << " axis " << a;
  }
  EXPECT_NE(log.str().find("label 2 left kidney"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("3 surface(s) in patient coordinates (LPS"), std::string::npos) << log.str();
}

TEST_F(MeshCommand, ChosenLabelsAsObjAndPlyWithTheirCoordinateComments) {
  MeshOptions o = options();
  o.labels = "2, 5";
  o.outputFormat = "obj";
  o.smoothing = 10;
  o.decimate = 0.3;
  std::ostringstream log;
  runMeshCommand(o, log);
  EXPECT_EQ(written(), (std::set<std::string>{"2_left_kidney.obj", "5_label_5.obj"}));
  std::ifstream obj(fs::path(out_) / "2_left_kidney.obj");
  std::string line, comments;
  int vertices = 0, faces = 0;
  while (std::getline(obj, line)) {
    if (line.rfind("#", 0) == 0) comments += line + "\n";
    vertices += line.rfind("v ", 0) == 0;
    faces += line.rfind("f ", 0) == 0;
  }
  EXPECT_NE(comments.find("patient coordinates LPS mm (+x left, +y posterior, +z superior"), std::string::npos)
      << comments;
  EXPECT_GT(faces, 50);
  EXPECT_EQ(vertices, faces / 2 + 2) << "a closed sphere-like surface has V = F/2 + 2";

  o.labels = "1";
  o.outputFormat = "PLY";
  runMeshCommand(o, log);
  std::ifstream ply(fs::path(out_) / "1_liver.ply", std::ios::binary);
  std::string header;
  while (std::getline(ply, line) && line != "end_header") header += line + "\n";
  EXPECT_EQ(header.rfind("ply\nformat binary_little_endian 1.0\n", 0), 0u) << header;
  EXPECT_NE(header.find("comment patient coordinates LPS mm"), std::string::npos) << header;
}

TEST_F(MeshCommand, BadInputsGiveOneLineErrorsAndWriteNothing) {
  MeshOptions o = options();
  o.input = (dir_ / "no-such-mask.nii.gz").string();
  expectRefused(o, "no-such-mask.nii.gz: no such file");

  o = options();
  std::ofstream((dir_ / "garbage.nii.gz").string()) << "not an image at all";
  o.input = (dir_ / "garbage.nii.gz").string();
  expectRefused(o, "garbage.nii.gz");

  o = options();
  o.labels = "1,7";
  expectRefused(o, "--labels: the mask has no label 7 (labels present: 1, 2, 5)");
  o.labels = "3";
  expectRefused(o, "label 3 (spleen) has no voxels");
  o.labels = "1,x";
  expectRefused(o, "--labels 1,x: 'x' is not a label value");
  o.labels = "0";
  expectRefused(o, "--labels 0");

  o = options();
  o.outputFormat = "vtk";
  expectRefused(o, "--output-format 'vtk': unknown mesh format; use stl, obj or ply");
  o = options();
  o.decimate = 1.0;
  expectRefused(o, "--decimate");
  o = options();
  o.smoothing = -2;
  expectRefused(o, "--smoothing -2");
}

TEST_F(MeshCommand, AnEmptyMaskIsRefused) {
  core::Geometry g;
  g.size = {8, 8, 8};
  io::writeLabelMap(core::LabelMap(g), (dir_ / "empty.nii.gz").string());
  MeshOptions o = options();
  o.input = (dir_ / "empty.nii.gz").string();
  expectRefused(o, "empty.nii.gz: the mask has no labels");
}

TEST_F(MeshCommand, ADicomSegGivesTheSameSurfaceAsItsNiftiNamedFromItsSegments) {
  AUNET_REQUIRE_SHARED(series, "totalsegmentator-example/ct_dicom");
  AUNET_REQUIRE_SHARED(maskFile, "totalsegmentator-example/ct_dicom_seg.nii.gz");
  fs::copy_file(maskFile, dir_ / "ct.nii.gz");
  std::ofstream(dir_ / "names.json") << R"([{"value": 5, "name": "liver", "color": [221, 130, 101]}])";
  ConvertOptions convert;
  convert.input = (dir_ / "ct.nii.gz").string();
  convert.output = (dir_ / "ct.seg.dcm").string();
  convert.labels = true;
  convert.sourceSeries = series.string();
  convert.outputFormat = "dicom-seg";
  convert.labelNames = (dir_ / "names.json").string();
  std::ostringstream log;
  ASSERT_EQ(runConvertCommand(convert, log), 0);

  // The SEG numbers its segments 1, 2, ... in label order: the liver (5) is the second.
  MeshOptions fromSeg = options();
  fromSeg.input = convert.output;
  fromSeg.labels = "2";
  runMeshCommand(fromSeg, log);
  MeshOptions fromNifti = options();
  fromNifti.input = convert.input;
  fromNifti.labels = "5";
  runMeshCommand(fromNifti, log);
  EXPECT_EQ(written(), (std::set<std::string>{"2_liver.stl", "5_label_5.stl"})) << log.str();
  const StlFile seg = readStl((fs::path(out_) / "2_liver.stl").string());
  const StlFile nifti = readStl((fs::path(out_) / "5_label_5.stl").string());
  EXPECT_EQ(seg.triangles, nifti.triangles);
  for (int a = 0; a < 3; ++a) EXPECT_NEAR(seg.mean[a], nifti.mean[a], 0.1) << "axis " << a;
}

}  // namespace
}  // namespace aunet::app
