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
  // Pass band of the windowed sinc filter on normalized coordinates (VTK's default).
  // Smaller is smoother but shrinks structures only a few voxels thick further (on a
  // 3 mm CT mask, 0.05 kept 34% of a small label's voxel volume where 0.1 kept 57%).
  double passBand = 0.1;
  // Fraction of the triangles quadric decimation removes, in [0, 1); 0: none.
  double decimation = 0.0;
};

// Throws core::Error naming the flag (--smoothing, --decimate) for a value out of range.
void validateSurfaceOptions(const SurfaceOptions& options);

// Throws core::Error for options out of range. A label with no voxel gives an empty
// mesh (the caller decides whether that is an error).
Mesh extractLabelSurface(const core::LabelMap& mask, uint16_t label, const SurfaceOptions& options = {});

// Volume enclosed by a closed mesh (divergence theorem), mm^3: positive when the
// triangles are wound outwards.
double signedVolume(const Mesh& mesh);

}  // namespace aunet::surface
