#pragma once
// Verifies an nnU-Net dataset before anyone trains on it (`aunet check-dataset` and
// the first step of `aunet train`): every training case has all channels and a
// label, channels and label lie on the same grid (through geometry, not just size),
// label values are among those declared, no image holds NaN/Inf (the reader refuses
// them), and no file resolves outside the dataset folder (symbolic links included).
// Torch-free.

#include <iosfwd>
#include <string>
#include <vector>

#include "io/NnUNetDataset.h"

namespace aunet::pipeline {

struct DatasetCheckReport {
  int cases = 0;                      // training cases found
  int checkedCases = 0;               // cases without a problem
  std::vector<std::string> problems;  // one line each: "<case or file>: <reason>"
  std::vector<std::string> warnings;  // not fatal (e.g. a declared label never present)
  bool ok() const { return problems.empty(); }
  // Readable multi-line report ending with "OK" or "N problem(s)".
  void print(std::ostream& out, const io::NnUNetDataset& dataset) const;
};

// Reads every training case (one at a time, so memory stays that of one case).
DatasetCheckReport checkDataset(const io::NnUNetDataset& dataset);

}  // namespace aunet::pipeline
