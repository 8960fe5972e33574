#pragma once
// Cross-entropy plus soft Dice over the foreground classes (nnU-Net's default loss):
// cross-entropy gives stable gradients early, Dice keeps small structures from being
// swamped by background.

#include <torch/types.h>

namespace aunet::model {

class DiceCELoss {
 public:
  explicit DiceCELoss(double smooth = 1e-5) : smooth_(smooth) {}
  // logits [N, C, *spatial], target [N, *spatial] integer class indices.
  torch::Tensor operator()(const torch::Tensor& logits, const torch::Tensor& target) const;

 private:
  double smooth_;
};

// Hard Dice of each class 1..classes-1 between two label tensors of the same shape;
// a class absent from both counts as 1.
std::vector<double> diceScores(const torch::Tensor& prediction, const torch::Tensor& reference, int64_t classes);

}  // namespace aunet::model
