#include "model/ClassArgmax.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <string>

#include "core/Error.h"
#include "model/KernelTargets.h"

namespace aunet::model {

namespace {

// Voxels per block: the running maxima of a block stay in L1 while each class's row
// streams past.
constexpr int64_t kBlock = 1024;
constexpr int64_t kMaxClasses = 32768;  // the indices are int16 in classIndices

// scores: K contiguous rows of `voxels`; out[v] for v in [first, end).
AUNET_VECTOR_CLONES void argmaxRange(const float* scores, int64_t classes, int64_t voxels, int64_t first,
                                     int64_t end, uint16_t* out) {
  float best[kBlock];
  uint16_t index[kBlock];
  for (int64_t b = first; b < end; b += kBlock) {
    const int64_t n = std::min(kBlock, end - b);
    const float* row = scores + b;
    for (int64_t i = 0; i < n; ++i) {
      best[i] = row[i];
      index[i] = 0;
    }
    for (int64_t k = 1; k < classes; ++k) {
      row = scores + k * voxels + b;
      const auto label = static_cast<uint16_t>(k);
      for (int64_t i = 0; i < n; ++i) {
        const float v = row[i];
        // Greater, or a NaN where the best so far is a number: as torch::argmax.
        const bool take = v > best[i] || (v != v && best[i] == best[i]);
        best[i] = take ? v : best[i];
        index[i] = take ? label : index[i];
      }
    }
    std::copy(index, index + n, out + b);
  }
}

void checkScores(const torch::Tensor& scores) {
  if (!scores.defined() || scores.dim() < 2 || scores.size(0) < 1 || scores.size(0) > kMaxClasses)
    throw core::Error("class scores must be [K, *S] with 1 to " + std::to_string(kMaxClasses) + " classes");
}

}  // namespace

void classIndicesInto(const torch::Tensor& scores, uint16_t* out) {
  checkScores(scores);
  const int64_t classes = scores.size(0);
  const int64_t voxels = scores.numel() / classes;
  if (!scores.device().is_cpu()) {
    const torch::Tensor indices = scores.argmax(0).to(torch::kInt16).cpu().contiguous();
    const int16_t* src = indices.data_ptr<int16_t>();
    std::transform(src, src + voxels, out, [](int16_t v) { return static_cast<uint16_t>(v); });
    return;
  }
  const torch::Tensor rows = scores.to(torch::kFloat32).contiguous();
  const float* data = rows.data_ptr<float>();
  at::parallel_for(0, voxels, 16 * kBlock, [&](int64_t first, int64_t end) {
    argmaxRange(data, classes, voxels, first, end, out);
  });
}

torch::Tensor classIndices(const torch::Tensor& scores) {
  checkScores(scores);
  torch::Tensor out = torch::empty(scores.sizes().slice(1), torch::TensorOptions().dtype(torch::kInt16));
  classIndicesInto(scores, reinterpret_cast<uint16_t*>(out.data_ptr<int16_t>()));
  return out;
}

}  // namespace aunet::model
