#pragma once
// The viewer's File > Export surfaces...: every label of the open mask as one mesh
// file, named and titled as `aunet mesh` names them (surface/MeshWriter.h), in
// patient LPS millimetres. All surfaces are made before the first file is written, so
// a failure leaves no half-written set.

#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "model/api/LabelInfo.h"
#include "surface/LabelSurface.h"

namespace aunet::gui {

// `format`: "stl", "obj" or "ply". Returns the files written; throws core::Error
// naming the folder or file on failure, or when the mask has no label.
int writeLabelSurfaces(const core::LabelMap& labels, const std::vector<model::LabelInfo>& names,
                       const std::string& folder, const std::string& format, const surface::SurfaceOptions& options);

}  // namespace aunet::gui
