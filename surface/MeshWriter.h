#pragma once
// Mesh files for 3D printing, planning and other viewers: binary STL, OBJ (text) and
// binary little-endian PLY, vertices in patient LPS millimetres. Each file says so in
// its header (STL's 80-byte header text, OBJ and PLY comment lines), because STL and
// OBJ have no field for it and RAS tools would otherwise mirror x and y; the tag
// "SPACE=LPS" in it is the one 3D Slicer reads.
// Written atomically: a hidden temporary file in the target folder, renamed when
// complete.

#include <string>

#include "surface/Mesh.h"
#include "surface/MeshFormat.h"

namespace aunet::surface {

// The coordinate statement every file carries.
extern const char* const kCoordinateConvention;

// One label's file name and title, as `aunet mesh` and the viewer's "Export surfaces..."
// name them: "<value>_<name><ext>" (name made file-safe; "label_<value>" without one)
// and "label <value> <name>".
std::string meshFileName(int value, const std::string& name, MeshFormat format);
std::string meshTitle(int value, const std::string& name);

// `title` (e.g. "label 1 liver") goes into the header next to the coordinate
// statement. Throws core::Error "<path>: <reason>" and leaves no file behind on failure.
void writeMesh(const Mesh& mesh, const std::string& path, MeshFormat format, const std::string& title);

}  // namespace aunet::surface
