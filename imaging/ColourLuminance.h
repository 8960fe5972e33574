#pragma once
// The luminance of a colour image (channels R, G, B), for models that take one grey
// channel: ITU-R BT.601 weights, the Y of the YBR colour models DICOM stores.

#include <string>

#include "core/Volume.h"

namespace aunet::imaging {

// True for the photometric interpretations aunet reads as R, G, B channels.
bool isColourPhotometric(const std::string& photometricInterpretation);

// 0.299 R + 0.587 G + 0.114 B per voxel; one channel, same grid and metadata.
core::Volume luminance(const core::Volume& rgb);

}  // namespace aunet::imaging
