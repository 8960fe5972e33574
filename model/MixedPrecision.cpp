#include "model/MixedPrecision.h"

#include <ATen/autocast_mode.h>
#include <ATen/cpu/Utils.h>

#include "io/core/Error.h"

namespace aunet::model {

torch::ScalarType resolveMixedPrecision(const std::string& setting, const torch::Device& device) {
  if (setting == "off") return torch::kFloat;
  if (setting == "auto") return device.is_cuda() ? torch::kBFloat16 : torch::kFloat;
  if (setting == "bf16") return torch::kBFloat16;
  if (setting == "fp16") {
    if (!device.is_cuda()) throw core::Error("mixed_precision", "fp16 needs a CUDA device; use bf16 or off on the CPU");
    return torch::kHalf;
  }
  throw core::Error("mixed_precision", "unknown setting '" + setting + "' (auto, off, bf16, fp16)");
}

torch::ScalarType resolveInferencePrecision(const std::string& setting, const torch::Device& device) {
  if (setting == "auto" && device.is_cpu()) return cpuHasBf16MatrixUnits() ? torch::kBFloat16 : torch::kFloat;
  return resolveMixedPrecision(setting, device);
}

bool cpuHasBf16MatrixUnits() {
  // init_amx() asks Linux for the AMX tile state (arch_prctl) when cpuinfo reports
  // AMX; false on every other CPU. Asked once: the answer cannot change.
  static const bool available = at::cpu::init_amx();
  return available;
}

AutocastGuard::AutocastGuard(const torch::Device& device, torch::ScalarType dtype) : type_(device.type()) {
  if (dtype == torch::kFloat) return;
  active_ = true;
  previousEnabled_ = at::autocast::is_autocast_enabled(type_);
  previousDtype_ = at::autocast::get_autocast_dtype(type_);
  at::autocast::set_autocast_enabled(type_, true);
  at::autocast::set_autocast_dtype(type_, dtype);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  // The outermost scope drops the cached low-precision weight copies.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_enabled(type_, previousEnabled_);
  at::autocast::set_autocast_dtype(type_, previousDtype_);
}

GradientScaler::GradientScaler(bool enabled, double initialScale, int growthInterval)
    : enabled_(enabled), scale_(initialScale), growthInterval_(growthInterval) {}

torch::Tensor GradientScaler::scale(const torch::Tensor& loss) { return enabled_ ? loss * scale_ : loss; }

bool GradientScaler::unscale(const std::vector<torch::Tensor>& parameters) {
  if (!enabled_) return true;
  std::vector<torch::Tensor> grads;
  for (const auto& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return true;
  torch::Tensor foundInf = torch::zeros({1}, grads.front().options().dtype(torch::kFloat));
  const torch::Tensor inverse = torch::full({1}, 1.0 / scale_, grads.front().options().dtype(torch::kFloat));
  at::_amp_foreach_non_finite_check_and_unscale_(grads, foundInf, inverse);
  return foundInf.item<float>() == 0.0f;
}

void GradientScaler::update(bool stepWasFinite) {
  if (!enabled_) return;
  if (!stepWasFinite) {
    scale_ *= 0.5;
    goodSteps_ = 0;
  } else if (++goodSteps_ >= growthInterval_) {
    scale_ *= 2.0;
    goodSteps_ = 0;
  }
}

}  // namespace aunet::model
