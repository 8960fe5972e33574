#pragma once
// A walk over a DICOM Part 10 file's element headers, without decoding values,
// before GDCM parses it: GDCM asserts (aborting the whole process) on files cut
// inside their meta group or their data set's element headers, which half-copied
// series from PACS exports produce, and on a few impossible values. ITK-free.

#include <string>

namespace aunet::io::internal {

// Empty when `file` is not a Part 10 file ("DICM" at byte 128) nor starts like a
// data set without the preamble (group 0002 or 0008; walked in both VR encodings and
// refused only when neither fits), cannot be walked
// (deflated transfer syntax, nesting deeper than 32 levels; big-endian data sets are
// walked in their byte order) or every
// element it announces lies inside the file and the values GDCM asserts on are sane;
// otherwise the reason, naming the element and the byte offsets ("DICOM file is
// truncated inside element (7FE0,0010) at byte 1234: its value needs 2048 bytes, the
// file ends at byte 1300", "unsupported Samples per Pixel (0028,0002) = 2 (1, 3 or 4)").
std::string findDicomStructureProblem(const std::string& file);

// The same walk, plus the Series Instance UID (0020,000E) when the walk got that far:
// a folder scan skips damaged files, but one that belongs to the series being read
// must stay an error naming it.
struct DicomStructureReport {
  std::string problem;            // as findDicomStructureProblem()
  std::string seriesInstanceUid;  // empty when absent or past the damage
};
DicomStructureReport inspectDicomStructure(const std::string& file);

}  // namespace aunet::io::internal
