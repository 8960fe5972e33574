#include "model/MixedPrecision.h"

#include <ATen/autocast_mode.h>
#include <ATen/cpu/Utils.h>

#include <cctype>
#include <cstdlib>

#include "core/Error.h"

namespace aunet::model {

torch::ScalarType resolveMixedPrecision(const std::string& setting, const torch::Device& device) {
  if (setting == "off") return torch::kFloat;
  if (setting == "auto")
    return device.is_cuda() || cpuBf16Support() != CpuBf16Support::None ? torch::kBFloat16 : torch::kFloat;
  if (setting == "bf16") return torch::kBFloat16;
  if (setting == "fp16") {
    if (!device.is_cuda()) throw core::Error("mixed_precision", "fp16 needs a CUDA device; use bf16 or off on the CPU");
    return torch::kHalf;
  }
  throw core::Error("mixed_precision", "unknown setting '" + setting + "' (auto, off, bf16, fp16)");
}

torch::ScalarType resolveInferencePrecision(const std::string& setting, const torch::Device& device) {
  return resolveMixedPrecision(setting, device);  // one policy for training and inference
}

CpuBf16Support bf16SupportFor(bool avx512Bf16, bool amxBf16, const std::string& onednnMaxIsa) {
  std::string cap;
  for (char c : onednnMaxIsa) cap += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // oneDNN's ISA names: ..., AVX2, AVX512_CORE, AVX512_CORE_VNNI, AVX512_CORE_BF16,
  // AVX512_CORE_FP16, AVX512_CORE_AMX, AVX10_1_512[_AMX...], ALL, DEFAULT.
  const auto has = [&](const char* part) { return cap.find(part) != std::string::npos; };
  const bool uncapped = cap.empty() || cap == "ALL" || cap == "DEFAULT";
  const bool allowsAmx = uncapped || has("AMX");
  const bool allowsDot = allowsAmx || has("BF16") || has("FP16") || has("AVX10");
  if (amxBf16 && allowsAmx) return CpuBf16Support::MatrixUnits;
  if ((avx512Bf16 || amxBf16) && allowsDot) return CpuBf16Support::DotProducts;
  return CpuBf16Support::None;
}

CpuBf16Support cpuBf16Support() {
  // Asked once: neither the CPU nor the environment's cap changes under a process.
  static const CpuBf16Support support = [] {
    const char* cap = std::getenv("ONEDNN_MAX_CPU_ISA");
    if (cap == nullptr) cap = std::getenv("DNNL_MAX_CPU_ISA");
    bool avx512Bf16 = false;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    avx512Bf16 = __builtin_cpu_supports("avx512bf16");  // also checks the OS saves AVX-512 state
#endif
    // init_amx() asks Linux for the AMX tile state (arch_prctl) when cpuinfo reports
    // AMX; false on every other CPU.
    const bool amx = at::cpu::init_amx();
    return bf16SupportFor(avx512Bf16, amx, cap ? cap : "");
  }();
  return support;
}

std::string describe(CpuBf16Support support) {
  switch (support) {
    case CpuBf16Support::MatrixUnits: return "AMX bf16 tiles";
    case CpuBf16Support::DotProducts: return "AVX-512 BF16 instructions";
    case CpuBf16Support::None: break;
  }
  return "none";
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
