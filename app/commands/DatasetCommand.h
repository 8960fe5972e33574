#pragma once
// `aunet dataset create -d DATASET -m MODEL`: an empty nnU-Net v2 dataset with the
// model's channels and labels (and a note of the model, so fine-tuning it keeps its
// plan). `aunet dataset add -d DATASET --image IMG [--image IMG2 ...] --mask MASK
// [--case NAME]`: one more training case (one --image per channel, channel order).
// The viewer's "Add to training dataset..." writes through the same code
// (io::NnUNetDataset::create / addCase).

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace aunet::app {

struct DatasetOptions {
  std::string dataset;              // the dataset folder
  std::string model;                // create: a .aunet file or an installed model's name
  std::vector<std::string> images;  // add: one per channel, in channel order
  std::string mask;                 // add: the corrected label map
  std::string caseName;             // add: empty: the next free case_NNN
};

void setupDatasetCommand(CLI::App& parent, DatasetOptions& options);
// Runs whichever of create/add was parsed (`which` is "create" or "add").
int runDatasetCommand(const std::string& which, const DatasetOptions& options, std::ostream& out);

// The two halves, for tests and the viewer's wiring.
int runDatasetCreate(const DatasetOptions& options, std::ostream& out);
int runDatasetAdd(const DatasetOptions& options, std::ostream& out);

}  // namespace aunet::app
