#pragma once
// `aunet mesh -i MASK -o OUTDIR`: one surface mesh per label of a label map (NIfTI,
// NRRD, MetaImage, DICOM SEG/RTSTRUCT, anything io::readLabelMap reads), written as
// OUTDIR/<value>_<name>.<stl|obj|ply> in patient coordinates (LPS, mm), for 3D
// printing and planning tools. Names come from a labels.json beside the mask (as
// `aunet segment` writes it) or the SEG's segments, else "label_N". Torch-free.

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace aunet::app {

struct MeshOptions {
  std::string input;
  std::string outputDir;
  std::string labels;               // "1,2,5"; empty: every label in the mask
  std::string outputFormat = "stl";  // stl, obj or ply
  int smoothing = 20;               // windowed sinc iterations (0: the voxel steps)
  double decimate = 0.0;            // fraction of triangles to remove, [0, 1)
  std::string labelNames;           // aunet's labels.json; default: one beside the mask
};

void setupMeshCommand(CLI::App& parent, MeshOptions& options);
// Checks every flag and label before writing anything; prints one line per file.
// Throws core::Error "<path or flag>: reason".
int runMeshCommand(const MeshOptions& options, std::ostream& out);

}  // namespace aunet::app
