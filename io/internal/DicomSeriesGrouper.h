#pragma once
// Groups an explicit list of files into series the way ITK's GDCMSeriesFileNames
// groups a folder (SeriesInstanceUID refined by series number, sequence name, slice
// thickness, rows and columns; files ordered along the slice normal), so the scanner
// can keep damaged files from GDCM: GDCMSeriesFileNames only takes a whole folder.

#include <string>
#include <vector>

namespace aunet::io::internal {

struct GroupedSeries {
  std::string id;                  // the unique series identifier, as ITK makes it
  std::vector<std::string> files;  // ordered as ITK orders them
};

// Files GDCM cannot read as an image are left out of every group.
std::vector<GroupedSeries> groupDicomSeries(const std::vector<std::string>& files);

}  // namespace aunet::io::internal
