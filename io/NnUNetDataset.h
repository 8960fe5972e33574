#pragma once
// An nnU-Net v2 "raw" dataset folder as nnU-Net lays it out: dataset.json
// (channel_names, labels, numTraining, file_ending), imagesTr/<case>_XXXX<ending>
// (one file per channel), labelsTr/<case><ending>, optional imagesTs/. The Medical
// Segmentation Decathlon's layout is read too: imagesTr/<case><ending> as one 4D file
// whose volumes are the channels (BraTS: FLAIR, T1w, T1gd, T2w). Only the layout is
// read here, except by readCaseImage(); pipeline/DatasetChecker.h verifies the contents.
// Datasets are also written here (create(), addCase(): `aunet dataset` and the viewer's
// "Add to training dataset..."), so dataset.json is read and written in one place.
// Torch-free.

#include <string>
#include <utility>
#include <vector>

#include "io/ReadOptions.h"
#include "core/LabelMap.h"
#include "core/Volume.h"

namespace aunet::io {

struct NnUNetCase {
  std::string id;                       // e.g. "liver_003"
  std::vector<std::string> imagePaths;  // one per channel, channel order; "" where missing
  std::string labelPath;                // "" for test cases or a missing label
  // One 4D file holds every channel (imagePaths then repeats it once per channel).
  bool channelsInOneFile = false;

  // How to read channel `c` on its own: volume c of a 4D file, else the file as it is.
  ReadOptions channelReadOptions(size_t c) const;
};

// Files read as one image per channel (channel order), stacked: each must hold one
// channel, all on the grid of the first. Throws core::Error naming the file.
core::Volume readChannelFiles(const std::vector<std::string>& paths);

// Every channel of a case on one grid: the 4D file read once, or one file per channel
// (each must hold one channel, all on the same grid). Throws core::Error naming the file.
core::Volume readCaseImage(const NnUNetCase& c);

struct NnUNetDataset {
  std::string root;                                  // the dataset folder
  std::string name;                                  // dataset.json "name", else the folder name
  std::vector<std::string> channelNames;             // index = channel (e.g. "CT", "T2")
  std::vector<std::pair<std::string, int>> labels;   // name -> value, background included
  int numTraining = 0;                               // as declared
  std::string fileEnding;                            // e.g. ".nii.gz"
  std::vector<NnUNetCase> training;                  // every case found in imagesTr or labelsTr
  std::vector<NnUNetCase> test;                      // imagesTs (no labels)
  bool channelsInOneFile = false;                    // 4D files instead of <case>_XXXX files
  // The model this dataset was made from (dataset.json "aunet_source_model", an aunet
  // extension nnU-Net ignores): its path and its provenance's creation time. Fine-tuning
  // that model keeps its plan by default (docs/training.md).
  std::string sourceModel, sourceModelCreated;

  // A new, empty dataset in `folder` (created if missing; it must not hold a
  // dataset.json yet): dataset.json with these channels and labels (background 0
  // included), numTraining 0, ".nii.gz" files, and empty imagesTr/ and labelsTr/.
  static NnUNetDataset create(const std::string& folder, const std::vector<std::string>& channelNames,
                              const std::vector<std::pair<std::string, int>>& labels,
                              const std::string& sourceModel = {}, const std::string& sourceModelCreated = {});

  // Adds a training case: imagesTr/<case>_XXXX<ending> per channel of `image`,
  // labelsTr/<case><ending>, and dataset.json's numTraining. `caseName` empty: the next
  // free "case_NNN". Refuses (core::Error naming `maskSource`/`imageSource`, nothing
  // written) a mask on another grid than the image, label values the dataset does not
  // declare, a channel count other than the dataset's, a bad or existing case name.
  // Files are written atomically; a failure part-way removes the case's files again.
  // Returns the case id; `training` lists it afterwards.
  std::string addCase(const core::Volume& image, const core::LabelMap& mask, const std::string& caseName = {},
                      const std::string& imageSource = "the image", const std::string& maskSource = "the mask");

  // Writes dataset.json (atomically) from these fields, keeping any other keys an
  // existing dataset.json holds (description, licence, ...).
  void save() const;

  // Reads dataset.json and lists the case files. A missing folder, unreadable or
  // invalid dataset.json (bad JSON, missing or mistyped keys, region-based labels)
  // throws core::Error naming dataset.json. Missing channel or label files do not
  // throw: they show as empty paths for the checker to report. A dataset that mixes
  // 4D files and per-channel files in one folder throws too.
  static NnUNetDataset load(const std::string& folder);

  // Whether channel `c` is a CT image (its name is "CT", case-insensitive), which
  // selects the CT normalization scheme.
  bool isCtChannel(int c) const;
  // Label values, ascending, background included.
  std::vector<int> labelValues() const;
};

}  // namespace aunet::io
