#pragma once
// `aunet info MODEL`: what a model file holds (description, architecture, labels,
// plan, provenance) and its parameter count.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace aunet::app {

struct InfoOptions {
  std::string model;
  bool json = false;  // print the metadata as JSON instead of text
};

void setupInfoCommand(CLI::App& parent, InfoOptions& options);
int runInfoCommand(const InfoOptions& options, std::ostream& out);

}  // namespace aunet::app
