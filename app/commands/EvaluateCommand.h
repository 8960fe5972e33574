#pragma once
// `aunet evaluate --pred DIR --ref DIR`: compares predicted label maps with reference
// ones, case by case (matched by file name without its image extension), per label:
// Dice, IoU, HD95, ASSD and Hausdorff distance in mm (imaging/SegmentationMetrics.h for
// the definitions and the empty-mask conventions). A prediction on another grid is
// mapped onto the reference grid through physical space (nearest neighbour) first.
// Prints a table, and optionally writes a JSON and a CSV report (atomically).

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace aunet::app {

struct EvaluateOptions {
  std::string predictionDir;
  std::string referenceDir;
  std::string jsonReport;  // empty: no JSON file
  std::string csvReport;   // empty: no CSV file
  // Labels to evaluate; empty: every non-zero label found in any reference or
  // prediction (a label absent from both maps of a case counts as Dice 1 there).
  std::vector<int> labels;
};

void setupEvaluateCommand(CLI::App& parent, EvaluateOptions& options);

// 0 when at least one case was evaluated and no file failed to read; 1 otherwise
// (the other cases are still evaluated and reported). Throws core::Error for unusable
// options (missing folder, invalid label) and for reports that cannot be written.
int runEvaluateCommand(const EvaluateOptions& options, std::ostream& out);

}  // namespace aunet::app
