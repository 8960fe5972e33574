#pragma once
// A walk over a DICOM Part 10 file's element headers, without decoding any value,
// before GDCM parses it: GDCM asserts (aborting the whole process) on files cut
// inside their meta group or their data set's element headers, which half-copied
// series from PACS exports produce. ITK-free.

#include <string>

namespace aunet::io::internal {

// Empty when `file` is not a Part 10 file ("DICM" at byte 128), cannot be walked
// (big-endian or deflated transfer syntax, nesting deeper than 32 levels) or every
// element it announces lies inside the file; otherwise the reason it is truncated,
// naming the element and the byte offsets ("truncated inside element (7FE0,0010) at
// byte 1234: its value needs 2048 bytes, the file ends after 100").
std::string findDicomTruncation(const std::string& file);

}  // namespace aunet::io::internal
