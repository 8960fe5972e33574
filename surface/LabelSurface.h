#pragma once
// One label of a label map as a closed surface mesh in patient coordinates: VTK's
// discrete flying edges on the label padded by a voxel of background (so a label that
// touches the grid's edge still closes), windowed sinc smoothing that keeps the
// enclosed volume, optional quadric decimation, then the mask's full geometry
// (origin, spacing, 3x3 direction, oblique or mirrored) applied to every vertex. No
// VTK type appears here: callers link aunet_surface only.

#include <cstdint>

#include "core/LabelMap.h"
#include "surface/Mesh.h"

namespace aunet::surface {

struct SurfaceOptions {
  // Windowed sinc iterations; 0 leaves the raw voxel-stepped surface.
  int smoothingIterations = 20;
  // Pass band of the windowed sinc filter on normalized coordinates: smaller is
  // smoother (VTK's default 0.1 leaves the voxel steps visible on 1 mm grids).
  double passBand = 0.05;
  // Fraction of the triangles quadric decimation removes, in [0, 1); 0: none.
  double decimation = 0.0;
};

// Throws core::Error for options out of range. A label with no voxel gives an empty
// mesh (the caller decides whether that is an error).
Mesh extractLabelSurface(const core::LabelMap& mask, uint16_t label, const SurfaceOptions& options = {});

// Volume enclosed by a closed mesh (divergence theorem), mm^3: positive when the
// triangles are wound outwards.
double signedVolume(const Mesh& mesh);

}  // namespace aunet::surface
