#pragma once
// An nnU-Net v2 "raw" dataset folder as nnU-Net lays it out: dataset.json
// (channel_names, labels, numTraining, file_ending), imagesTr/<case>_XXXX<ending>
// (one file per channel), labelsTr/<case><ending>, optional imagesTs/. Only the
// layout is read here (no voxels); io/DatasetChecker.h verifies the contents.
// Torch-free.

#include <string>
#include <utility>
#include <vector>

namespace aunet::io {

struct NnUNetCase {
  std::string id;                       // e.g. "liver_003"
  std::vector<std::string> imagePaths;  // one per channel, channel order; "" where missing
  std::string labelPath;                // "" for test cases or a missing label
};

struct NnUNetDataset {
  std::string root;                                  // the dataset folder
  std::string name;                                  // dataset.json "name", else the folder name
  std::vector<std::string> channelNames;             // index = channel (e.g. "CT", "T2")
  std::vector<std::pair<std::string, int>> labels;   // name -> value, background included
  int numTraining = 0;                               // as declared
  std::string fileEnding;                            // e.g. ".nii.gz"
  std::vector<NnUNetCase> training;                  // every case found in imagesTr or labelsTr
  std::vector<NnUNetCase> test;                      // imagesTs (no labels)

  // Reads dataset.json and lists the case files. A missing folder, unreadable or
  // invalid dataset.json (bad JSON, missing or mistyped keys, region-based labels)
  // throws core::Error naming dataset.json. Missing channel or label files do not
  // throw: they show as empty paths for the checker to report.
  static NnUNetDataset load(const std::string& folder);

  // Whether channel `c` is a CT image (its name is "CT", case-insensitive), which
  // selects the CT normalization scheme.
  bool isCtChannel(int c) const;
  // Label values, ascending, background included.
  std::vector<int> labelValues() const;
};

}  // namespace aunet::io
