#include "surface/MeshWriter.h"

#include <cctype>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/Error.h"
#include "core/FileCommit.h"
#include "io/ImageWriter.h"

namespace fs = std::filesystem;

namespace aunet::surface {

namespace {

// A name as a file-name part: letters, digits, '.', '-' and '_' kept, anything else '_'.
std::string fileSafe(const std::string& name) {
  std::string s;
  for (unsigned char c : name) s += (std::isalnum(c) || c == '-' || c == '_' || c == '.') ? char(c) : '_';
  if (s.empty() || s.find_first_not_of("._") == std::string::npos) return "";
  return s;
}

}  // namespace

std::string meshFileName(int value, const std::string& name, MeshFormat format) {
  const std::string safe = fileSafe(name);
  return std::to_string(value) + "_" + (safe.empty() ? "label_" + std::to_string(value) : safe) + extensionOf(format);
}

std::string meshTitle(int value, const std::string& name) {
  return "label " + std::to_string(value) + (name.empty() ? "" : " " + name);
}

const char* const kCoordinateConvention =
    "patient coordinates LPS mm (+x left, +y posterior, +z superior; DICOM/ITK)";

namespace {
// STL's 80 bytes: the convention first, so a long title cannot cut it off.
const char* const kShortConvention = "SPACE=LPS mm (+x left, +y posterior, +z superior)";
// 3D Slicer (4.11 and later) reads this tag from a mesh file's header comments.
const char* const kSlicerTag = "SPACE=LPS";

// Binary formats are little-endian by definition; written byte by byte so the host
// order does not matter.
void putU32(std::ostream& out, uint32_t v) {
  const char b[4] = {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char((v >> 24) & 0xff)};
  out.write(b, 4);
}
void putF32(std::ostream& out, double value) {
  const float f = static_cast<float>(value);
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  putU32(out, bits);
}

core::Vec3 unitNormal(const core::Vec3& a, const core::Vec3& b, const core::Vec3& c) {
  const core::Vec3 u{b[0] - a[0], b[1] - a[1], b[2] - a[2]};
  const core::Vec3 v{c[0] - a[0], c[1] - a[1], c[2] - a[2]};
  core::Vec3 n{u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
  const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  if (len > 0)
    for (double& x : n) x /= len;
  return n;
}

// Header text on one line: no newline can break an OBJ/PLY comment.
std::string oneLine(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

void writeStl(std::ostream& out, const Mesh& mesh, const std::string& title) {
  // 80 bytes of text; it must not begin with "solid" (readers would take it for ASCII STL).
  std::string header = std::string("aunet ") + kShortConvention + " " + oneLine(title);
  header.resize(80, ' ');
  out.write(header.data(), 80);
  putU32(out, static_cast<uint32_t>(mesh.triangles.size()));
  for (const auto& t : mesh.triangles) {
    const auto& a = mesh.vertices[t[0]];
    const auto& b = mesh.vertices[t[1]];
    const auto& c = mesh.vertices[t[2]];
    for (double x : unitNormal(a, b, c)) putF32(out, x);
    for (const auto* p : {&a, &b, &c})
      for (double x : *p) putF32(out, x);
    out.write("\0\0", 2);  // attribute byte count
  }
}

void writeObj(std::ostream& out, const Mesh& mesh, const std::string& title) {
  out << "# " << kSlicerTag << "\n"
      << "# aunet surface mesh: " << oneLine(title) << "\n"
      << "# " << kCoordinateConvention << "\n"
      << "# faces are counter-clockwise seen from outside: normals point out of the label\n";
  char line[128];
  for (const auto& v : mesh.vertices) {
    std::snprintf(line, sizeof line, "v %.6f %.6f %.6f\n", v[0], v[1], v[2]);
    out << line;
  }
  for (const auto& t : mesh.triangles) out << "f " << t[0] + 1 << ' ' << t[1] + 1 << ' ' << t[2] + 1 << '\n';
}

void writePly(std::ostream& out, const Mesh& mesh, const std::string& title) {
  out << "ply\nformat binary_little_endian 1.0\n"
      << "comment " << kSlicerTag << "\n"
      << "comment aunet surface mesh: " << oneLine(title) << "\n"
      << "comment " << kCoordinateConvention << "\n"
      << "comment faces are counter-clockwise seen from outside: normals point out of the label\n"
      << "element vertex " << mesh.vertices.size() << "\n"
      << "property float x\nproperty float y\nproperty float z\n"
      << "element face " << mesh.triangles.size() << "\n"
      << "property list uchar int vertex_indices\nend_header\n";
  for (const auto& v : mesh.vertices)
    for (double x : v) putF32(out, x);
  for (const auto& t : mesh.triangles) {
    out.put(3);
    for (uint32_t i : t) putU32(out, i);
  }
}

}  // namespace

void writeMesh(const Mesh& mesh, const std::string& path, MeshFormat format, const std::string& title) {
  if (mesh.empty()) throw core::Error(path, "the mesh has no triangles: nothing to write");
  if (format == MeshFormat::Ply && mesh.vertices.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    throw core::Error(path, "too many vertices for PLY's int indices");
  const std::string tmp = io::temporaryPathFor(path);
  auto discard = [&] {
    std::error_code ec;
    fs::remove(tmp, ec);
  };
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw core::Error(path, "cannot create the file (does the folder exist and is it writable?)");
      switch (format) {
        case MeshFormat::Stl: writeStl(out, mesh, title); break;
        case MeshFormat::Obj: writeObj(out, mesh, title); break;
        case MeshFormat::Ply: writePly(out, mesh, title); break;
      }
      out.flush();
      if (!out) throw core::Error(path, "write failed (disk full?)");
    }
    core::commitTemporaryFile(tmp, path);
  } catch (...) {
    discard();
    throw;
  }
}

}  // namespace aunet::surface
