#include "model/DiceCELoss.h"

#include <torch/nn/functional/loss.h>

namespace aunet::model {

torch::Tensor DiceCELoss::operator()(const torch::Tensor& logits, const torch::Tensor& target) const {
  return (*this)(logits, target, nullptr, 1);
}

torch::Tensor DiceCELoss::operator()(const torch::Tensor& logits, const torch::Tensor& target,
                                     const StatisticsReducer& sumOverProcesses, int processes) const {
  const int64_t classes = logits.size(1);
  const torch::Tensor labels = target.to(torch::kLong);
  const torch::Tensor ce = torch::nn::functional::cross_entropy(logits, labels);

  const torch::Tensor probs = torch::softmax(logits, 1);
  // One-hot as [N, C, *spatial], built by scatter to avoid a permute copy.
  const torch::Tensor onehot = torch::zeros_like(probs).scatter_(1, labels.unsqueeze(1), 1.0);
  std::vector<int64_t> reduce{0};
  for (int64_t d = 2; d < logits.dim(); ++d) reduce.push_back(d);
  torch::Tensor intersection = (probs * onehot).sum(reduce);
  torch::Tensor denominator = probs.sum(reduce) + onehot.sum(reduce);
  double diceWeight = 1.0;
  if (sumOverProcesses && processes > 1) {
    const torch::Tensor local = torch::stack({intersection, denominator}).detach();
    const torch::Tensor others = sumOverProcesses(local) - local;
    intersection = intersection + others[0];
    denominator = denominator + others[1];
    diceWeight = static_cast<double>(processes);
  }
  const torch::Tensor dice = (2.0 * intersection + smooth_) / (denominator + smooth_);
  // Background excluded: it dominates the volume and says little about the structures.
  const torch::Tensor foregroundDice = classes > 1 ? dice.slice(0, 1).mean() : dice.mean();
  const torch::Tensor diceLoss = 1.0 - foregroundDice;
  if (diceWeight == 1.0) return ce + diceLoss;
  // Value: the global Dice loss (so the mean over processes is the global loss);
  // gradient: diceWeight times it.
  return ce + diceLoss * diceWeight - diceLoss.detach() * (diceWeight - 1.0);
}

std::vector<double> diceScores(const torch::Tensor& prediction, const torch::Tensor& reference, int64_t classes) {
  std::vector<double> scores;
  for (int64_t c = 1; c < classes; ++c) {
    const torch::Tensor p = prediction == c, r = reference == c;
    const double inter = (p & r).sum().item<double>();
    const double total = p.sum().item<double>() + r.sum().item<double>();
    scores.push_back(total == 0.0 ? 1.0 : 2.0 * inter / total);
  }
  return scores;
}

}  // namespace aunet::model
