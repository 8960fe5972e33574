#pragma once
// Whether a mesh is a closed, consistently wound surface: what 3D printing and volume
// measurement need. Extraction always gives one; strong decimation of a structure only
// a voxel or two thick can break it, and `aunet mesh` says so.

#include <cstdint>

#include "surface/Mesh.h"

namespace aunet::surface {

// Edges not used exactly once in each direction (by exactly two triangles wound
// opposite ways): 0 for a closed, consistently oriented surface.
int64_t badEdgeCount(const Mesh& mesh);

}  // namespace aunet::surface
