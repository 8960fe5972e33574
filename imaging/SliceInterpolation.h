#pragma once
// Fill between slices (ITK-SNAP's and Slicer's "fill between slices"): a label drawn
// on a few slices of one view is interpolated on the slices between them by
// shape-based interpolation (Raya & Udupa, IEEE TMI 1990; Herman et al. 1992): each
// drawn slice becomes a signed distance map of its contour (mm, in-plane spacing), the
// maps of the two drawn slices around a gap are blended linearly by position, and a
// voxel between them is inside where the blend is <= 0. Unlike a linear blend of
// the masks themselves, a shape that moves or grows between the drawn slices moves
// and grows smoothly through the gap, as long as its drawings on neighbouring drawn
// slices overlap (shapes that do not touch shrink and grow in place instead: draw
// more slices where a structure moves fast).

#include <cstdint>

#include "core/LabelMap.h"
#include "imaging/LabelDelta.h"
#include "imaging/PaintRule.h"

namespace aunet::imaging {

// Slices along voxel axis `normalAxis` that hold `label` are the drawn ones; every
// slice strictly between two drawn slices gets the interpolated shape, written as
// `label` where `rule` allows. Voxels changed.
int64_t interpolateBetweenSlices(core::LabelMap& labels, uint16_t label, int normalAxis, const PaintRule& rule,
                                 LabelDelta& delta);

}  // namespace aunet::imaging
