#pragma once
// Turns `aunet segment`'s inputs into a list of cases: image files, folders of image
// files, DICOM series folders (one case per image series, also one level of study
// subfolders), and .txt lists of any of these (one per line, '#' comments, paths
// relative to the list). Case names come from file or series names, made safe for
// file names and unique; the order is deterministic, so --shard splits are too.

#include <cstddef>
#include <string>
#include <vector>

namespace aunet::app {

struct InputCase {
  std::string name;          // unique, [A-Za-z0-9._-] only
  std::string path;          // image file, or DICOM folder
  std::string dicomSeries;   // series id for readImage (ReadOptions::dicomSeriesUid), empty otherwise
};

class CaseCollector {
 public:
  // Inputs that do not exist become cases too (they fail when read, and the summary
  // says so). A folder without any image gives a warning and no case.
  static std::vector<InputCase> collect(const std::vector<std::string>& inputs);

  // Cases index, index + count, index + 2 count, ... of `cases`.
  static std::vector<InputCase> shard(const std::vector<InputCase>& cases, size_t index, size_t count);

  // "i/n" with 0 <= i < n; throws core::Error otherwise.
  static void parseShard(const std::string& text, size_t& index, size_t& count);

  // A file name stem safe on every file system: other characters become '_'.
  static std::string sanitize(const std::string& name);
};

}  // namespace aunet::app
