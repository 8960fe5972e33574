#pragma once
// Mixed-precision training: an autocast scope (bf16 or fp16 matmuls and
// convolutions, fp32 reductions, as torch.autocast) and, for fp16, dynamic loss
// scaling (as torch.amp.GradScaler: scale the loss, unscale the gradients, skip
// steps whose gradients overflowed, grow the scale after a run of good steps).

#include <torch/types.h>

#include <string>
#include <vector>

namespace aunet::model {

// Resolves a plan's "auto" | "off" | "bf16" | "fp16" for a device (training): auto
// means bf16 on CUDA and on CPUs that run bf16 convolutions natively (cpuBf16Support()
// != None), fp32 on other CPUs, where oneDNN would emulate bf16 more slowly than
// fp32; fp16 needs CUDA. Returns kFloat for "no autocast". On the CPUs with native bf16
// the demo model trained in bf16 as well as in fp32 (held-out mean Dice 0.745 vs 0.718,
// one run each) in 0.69x the time (docs/performance.md).
torch::ScalarType resolveMixedPrecision(const std::string& setting, const torch::Device& device);

// The same policy for inference (segmentation): there oneDNN's bf16 convolutions run
// 2x (AVX-512 BF16) to 5x (AMX) faster than float32 and the masks stay the same
// (docs/performance.md: mean Dice within 0.0001 of float32 on the demo model's cases).
torch::ScalarType resolveInferencePrecision(const std::string& setting, const torch::Device& device);

// How this CPU computes bf16 products in oneDNN's convolutions.
enum class CpuBf16Support {
  None,         // no bf16 instructions, or oneDNN capped below them: bf16 is emulated
  DotProducts,  // AVX-512 BF16 (vdpbf16ps: AMD Zen 4 and later, Intel Cooper Lake)
  MatrixUnits,  // AMX bf16 tiles (Intel Sapphire Rapids and later)
};

// From the CPU's features and oneDNN's ISA cap (the ONEDNN_MAX_CPU_ISA or
// DNNL_MAX_CPU_ISA environment value, empty when unset): a cap below the
// instructions leaves oneDNN emulating bf16, so they count as absent.
CpuBf16Support bf16SupportFor(bool avx512Bf16, bool amxBf16, const std::string& onednnMaxIsa);

// This CPU and process (AMX counts only when the kernel grants the tile state).
CpuBf16Support cpuBf16Support();

// "AMX bf16 tiles", "AVX-512 BF16 instructions" or "none": for --version and benches.
std::string describe(CpuBf16Support support);

// Autocast on `device`'s type for the guard's lifetime (nothing for kFloat).
class AutocastGuard {
 public:
  AutocastGuard(const torch::Device& device, torch::ScalarType dtype);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool active_ = false;
  torch::DeviceType type_;
  bool previousEnabled_ = false;
  torch::ScalarType previousDtype_ = torch::kFloat;
};

class GradientScaler {
 public:
  explicit GradientScaler(bool enabled, double initialScale = 65536.0, int growthInterval = 2000);
  torch::Tensor scale(const torch::Tensor& loss);
  // Divides the gradients by the scale; false when any is non-finite (skip the step).
  bool unscale(const std::vector<torch::Tensor>& parameters);
  // After a step (or a skipped one): halves the scale on overflow, doubles it after
  // growthInterval good steps.
  void update(bool stepWasFinite);
  bool enabled() const { return enabled_; }
  double currentScale() const { return scale_; }

 private:
  bool enabled_;
  double scale_;
  int growthInterval_;
  int goodSteps_ = 0;
};

}  // namespace aunet::model
