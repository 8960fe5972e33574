// STL, OBJ and PLY files as written, read back by VTK's own readers (and STL's header
// and normals by hand): same vertices and triangles, the coordinate statement in each
// header, nothing left behind on failure.

#include <gtest/gtest.h>

#include <vtkNew.h>
#include <vtkOBJReader.h>
#include <vtkPLYReader.h>
#include <vtkPolyData.h>
#include <vtkSTLReader.h>
#include <vtkStringArray.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/Error.h"
#include "surface/LabelSurface.h"
#include "surface/MeshWriter.h"
#include "tests/support/ScratchFolder.h"
#include "tests/surface/SurfaceTestSupport.h"

namespace fs = std::filesystem;

namespace aunet::surface {
namespace {

using namespace aunet::surface::test;

class MeshWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    core::LabelMap mask(gridAround(centre_, 10.0, {0.9, 1.1, 1.3}, rotation(3, 1, 2, 25)));
    paintSphere(mask, centre_, 10.0, 1);
    mesh_ = extractLabelSurface(mask, 1);
    ASSERT_FALSE(mesh_.empty());
    for (const auto& v : mesh_.vertices)
      for (int a = 0; a < 3; ++a) {
        lo_[a] = std::min(lo_[a], v[a]);
        hi_[a] = std::max(hi_[a], v[a]);
      }
  }
  std::string path(const std::string& name) const { return scratch_.path(name); }
  std::vector<std::string> entries() const { return scratch_.entries(); }
  // Same counts and the same extent (float precision) as the mesh written.
  void expectSameMesh(vtkPolyData* read) {
    ASSERT_NE(read, nullptr);
    EXPECT_EQ(read->GetNumberOfPoints(), static_cast<vtkIdType>(mesh_.vertices.size()));
    EXPECT_EQ(read->GetNumberOfPolys(), static_cast<vtkIdType>(mesh_.triangles.size()));
    double b[6];
    read->GetBounds(b);
    for (int a = 0; a < 3; ++a) {
      EXPECT_NEAR(b[2 * a], lo_[a], 1e-4);
      EXPECT_NEAR(b[2 * a + 1], hi_[a], 1e-4);
    }
  }
  std::string text(const std::string& file) const {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  ::aunet::test::ScratchFolder scratch_{"aunet-mesh-test-"};
  const fs::path& dir_ = scratch_.dir();
  core::Vec3 centre_{-60.0, 25.0, 310.0};
  Mesh mesh_;
  core::Vec3 lo_{1e30, 1e30, 1e30}, hi_{-1e30, -1e30, -1e30};
};

TEST_F(MeshWriter, BinaryStlReadsBackWithItsHeaderAndOutwardNormals) {
  const std::string file = path("1_liver.stl");
  writeMesh(mesh_, file, MeshFormat::Stl, "label 1 liver");
  vtkNew<vtkSTLReader> reader;
  reader->SetFileName(file.c_str());
  reader->Update();
  expectSameMesh(reader->GetOutput());

  const std::string bytes = text(file);
  ASSERT_EQ(bytes.size(), 84 + 50 * mesh_.triangles.size());
  const std::string header = bytes.substr(0, 80);
  EXPECT_EQ(header.rfind("solid", 0), std::string::npos) << "binary STL must not look like ASCII";
  EXPECT_NE(header.find("SPACE=LPS mm (+x left, +y posterior, +z superior)"), std::string::npos) << header;
  EXPECT_NE(header.find("label 1 liver"), std::string::npos) << header;
  // Each facet normal points away from the sphere's centre.
  size_t inward = 0;
  for (size_t t = 0; t < mesh_.triangles.size(); ++t) {
    float f[12];
    std::memcpy(f, bytes.data() + 84 + 50 * t, sizeof f);
    double out = 0;
    for (int a = 0; a < 3; ++a) out += f[a] * ((f[3 + a] + f[6 + a] + f[9 + a]) / 3.0 - centre_[a]);
    if (out <= 0) ++inward;
  }
  EXPECT_EQ(inward, 0u);
}

TEST_F(MeshWriter, ObjReadsBackWithItsCoordinateComment) {
  const std::string file = path("2_kidney.obj");
  writeMesh(mesh_, file, MeshFormat::Obj, "label 2 kidney");
  vtkNew<vtkOBJReader> reader;
  reader->SetFileName(file.c_str());
  reader->Update();
  expectSameMesh(reader->GetOutput());
  const std::string comment = reader->GetComment() ? reader->GetComment() : "";
  EXPECT_NE(comment.find("patient coordinates LPS mm"), std::string::npos) << comment;
  EXPECT_NE(comment.find("label 2 kidney"), std::string::npos) << comment;
  EXPECT_EQ(text(file).rfind("# SPACE=LPS\n", 0), 0u) << "3D Slicer's tag first";
}

TEST_F(MeshWriter, BinaryPlyReadsBackWithItsCoordinateComment) {
  const std::string file = path("3_spleen.ply");
  writeMesh(mesh_, file, MeshFormat::Ply, "label 3 spleen");
  vtkNew<vtkPLYReader> reader;
  reader->SetFileName(file.c_str());
  reader->Update();
  expectSameMesh(reader->GetOutput());
  std::string comments;
  for (vtkIdType i = 0; i < reader->GetComments()->GetNumberOfValues(); ++i)
    comments += reader->GetComments()->GetValue(i) + "\n";
  EXPECT_NE(comments.find("patient coordinates LPS mm (+x left, +y posterior, +z superior"), std::string::npos)
      << comments;
  EXPECT_EQ(comments.rfind("SPACE=LPS\n", 0), 0u) << comments;
}

TEST_F(MeshWriter, FailuresLeaveNoFileBehind) {
  EXPECT_THROW(writeMesh(mesh_, path("missing/1.stl"), MeshFormat::Stl, "x"), core::Error);
  EXPECT_THROW(writeMesh(Mesh{}, path("empty.obj"), MeshFormat::Obj, "x"), core::Error);
  EXPECT_TRUE(entries().empty());
  writeMesh(mesh_, path("ok.ply"), MeshFormat::Ply, "x");
  EXPECT_EQ(entries(), std::vector<std::string>{"ok.ply"});  // the temporary file was renamed
}

TEST(MeshFormat, NamesParseAndUnknownOnesNameTheFlag) {
  EXPECT_EQ(parseMeshFormat("STL"), MeshFormat::Stl);
  EXPECT_EQ(parseMeshFormat("obj"), MeshFormat::Obj);
  EXPECT_EQ(extensionOf(parseMeshFormat("ply")), ".ply");
  try {
    parseMeshFormat("vtk");
    FAIL() << "vtk accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--output-format 'vtk'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aunet::surface
