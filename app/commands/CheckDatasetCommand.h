#pragma once
// `aunet check-dataset DIR`: verifies an nnU-Net v2 raw dataset (pipeline/DatasetChecker.h)
// and prints a readable report; exit status 1 when a problem was found.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace aunet::app {

struct CheckDatasetOptions {
  std::string dataset;  // the folder holding dataset.json
};

void setupCheckDatasetCommand(CLI::App& parent, CheckDatasetOptions& options);
int runCheckDatasetCommand(const CheckDatasetOptions& options, std::ostream& out);

}  // namespace aunet::app
