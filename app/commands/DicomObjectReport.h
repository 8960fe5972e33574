#pragma once
// What `aunet info` prints for a DICOM SEG or RT Structure Set: its kind, the series
// it references, the grid it lands on, and each segment (number, name, coded type,
// colour, voxels and mL).

#include <iosfwd>
#include <string>

namespace aunet::app {

// `sourceSeries`: the series folder to draw it on (empty: beside it, or for a SEG its
// own frame grid). Throws core::Error naming the file.
void printDicomObjectInfo(const std::string& path, const std::string& sourceSeries, bool json, std::ostream& out);

}  // namespace aunet::app
