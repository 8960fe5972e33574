#include "model/Conv3dBf16Guard.h"

#include <ATen/autocast_mode.h>
#include <c10/core/impl/LocalDispatchKeySet.h>

namespace aunet::model {

bool Conv3dBf16GuardImpl::needsFloat32(const torch::Tensor& input) const {
  if (!input.device().is_cpu() || !c10::GradMode::is_enabled() || input.dim() != 5 || input.size(2) != 2) return false;
  if ((*options.kernel_size())[0] < 2) return false;
  const bool autocastBf16 = at::autocast::is_autocast_enabled(at::kCPU) &&
                            at::autocast::get_autocast_dtype(at::kCPU) == at::kBFloat16;
  return autocastBf16 || input.scalar_type() == torch::kBFloat16;
}

torch::Tensor Conv3dBf16GuardImpl::forward(const torch::Tensor& input) {
  if (!needsFloat32(input)) return torch::nn::Conv3dImpl::forward(input);
  torch::Tensor output;
  {
    const c10::impl::ExcludeDispatchKeyGuard noAutocast(c10::DispatchKey::AutocastCPU);
    output = torch::nn::Conv3dImpl::forward(input.to(torch::kFloat));
  }
  return output.to(torch::kBFloat16);  // what autocast would have handed on
}

}  // namespace aunet::model
