#pragma once
// `aunet demo`: the end-to-end job the README's first command runs. Until a trained
// demo model ships, it segments a generated ellipsoid phantom with a freshly
// initialized 3D Attention U-Net that is fitted for a few steps on that phantom only,
// and says so. Writes the image, the mask, the attention maps, the reference labels,
// the model file and a JSON report into one folder.

#include <cstdint>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace aunet::app {

struct DemoOptions {
  std::string outputDir = "aunet-demo";
  std::string device = "auto";
  int size = 64;         // phantom edge in voxels
  int fitSteps = 40;     // optimizer steps on the phantom (0 = leave the network untrained)
  double learningRate = 1e-2;
  uint64_t seed = 7;
};

void setupDemoCommand(CLI::App& parent, DemoOptions& options);
int runDemoCommand(const DemoOptions& options, std::ostream& out);

}  // namespace aunet::app
