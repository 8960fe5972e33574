#include "surface/MeshFormat.h"

#include <algorithm>
#include <cctype>

#include "core/Error.h"

namespace aunet::surface {

MeshFormat parseMeshFormat(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
  if (t == "stl") return MeshFormat::Stl;
  if (t == "obj") return MeshFormat::Obj;
  if (t == "ply") return MeshFormat::Ply;
  throw core::Error("--output-format '" + text + "': unknown mesh format; use stl, obj or ply");
}

std::string extensionOf(MeshFormat format) {
  switch (format) {
    case MeshFormat::Stl: return ".stl";
    case MeshFormat::Obj: return ".obj";
    case MeshFormat::Ply: return ".ply";
  }
  return "";
}

}  // namespace aunet::surface
