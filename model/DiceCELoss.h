#pragma once
// Cross-entropy plus soft Dice over the foreground classes (nnU-Net's default loss):
// cross-entropy gives stable gradients early, Dice keeps small structures from being
// swamped by background.

#include <torch/types.h>

#include <functional>

namespace aunet::model {

class DiceCELoss {
 public:
  explicit DiceCELoss(double smooth = 1e-5) : smooth_(smooth) {}
  // logits [N, C, *spatial], target [N, *spatial] integer class indices.
  torch::Tensor operator()(const torch::Tensor& logits, const torch::Tensor& target) const;

  // Data parallelism: the Dice is a batch Dice (sums over every sample), so each
  // process's share needs the others' sums. `sumOverProcesses` returns the sum over
  // all processes of a detached [2, C] tensor (intersections, denominators); the
  // other processes' part enters as a constant, and the Dice term's gradient is
  // multiplied by the process count, so that averaging the gradients gives the exact
  // gradient of the global loss and averaging the values its value. The
  // cross-entropy stays a local mean (equal batch sizes).
  using StatisticsReducer = std::function<torch::Tensor(const torch::Tensor&)>;
  torch::Tensor operator()(const torch::Tensor& logits, const torch::Tensor& target, const StatisticsReducer& sumOverProcesses,
                           int processes) const;

 private:
  double smooth_;
};

// Hard Dice of each class 1..classes-1 between two label tensors of the same shape;
// a class absent from both counts as 1.
std::vector<double> diceScores(const torch::Tensor& prediction, const torch::Tensor& reference, int64_t classes);

}  // namespace aunet::model
