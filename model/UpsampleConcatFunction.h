#pragma once
// cat(skip, upsample2x(coarser)) along the channels, with autograd, for channels-last
// training on the CPU. LibTorch's trilinear upsampling backward spent 0.49 s of a 4.6 s
// 96^3 training step (10%) converting layouts and scattering one sample at a time, and
// the forward's cat copied the upsampled half once more (docs/performance.md). Here the
// forward writes the upsampling straight into the concatenation (model/LinearUpsample2x)
// and the backward gathers the coarse gradient from the concatenation's gradient slice.

#include <torch/autograd.h>
#include <torch/types.h>

namespace aunet::model {

class UpsampleConcatFunction : public torch::autograd::Function<UpsampleConcatFunction> {
 public:
  // skip: [N, Cs, *2S]; coarser: [N, Cc, *S] channels-last contiguous, skip's type (float32
  // or bf16); both CPU. Returns [N, Cs + Cc, *2S] channels-last.
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& skip,
                               const torch::Tensor& coarser);
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grad_outputs);
};

// UpsampleConcatFunction::apply(skip, coarser) when its conditions hold (see above);
// an undefined tensor otherwise, and the caller concatenates with LibTorch's ops.
torch::Tensor upsampleConcatenate(const torch::Tensor& skip, const torch::Tensor& coarser);

}  // namespace aunet::model
