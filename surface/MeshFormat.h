#pragma once
// The mesh file formats `aunet mesh` writes.

#include <string>

namespace aunet::surface {

enum class MeshFormat { Stl, Obj, Ply };

// "stl", "obj" or "ply" (case-insensitive); throws core::Error naming --output-format otherwise.
MeshFormat parseMeshFormat(const std::string& text);
// The file extension with its dot: ".stl", ".obj", ".ply".
std::string extensionOf(MeshFormat format);

}  // namespace aunet::surface
