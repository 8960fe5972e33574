#include "model/NetworkFlops.h"

#include <algorithm>
#include <cmath>

#include "core/Error.h"
#include "model/AttentionGate.h"

namespace aunet::model {

double NetworkFlops::conv(int64_t dims, int64_t kernel, int64_t in, int64_t out, double output_voxels) {
  return 2.0 * std::pow(static_cast<double>(kernel), static_cast<double>(dims)) * static_cast<double>(in) *
         static_cast<double>(out) * output_voxels;
}

NetworkFlops NetworkFlops::forward(const AttentionUNetOptions& options, const std::vector<int64_t>& spatial,
                                   int64_t batch, bool with_deep_supervision) {
  options.validate();
  const int64_t dims = options.spatial_dims();
  if (static_cast<int64_t>(spatial.size()) != dims)
    throw core::Error("FLOP count: a " + std::to_string(dims) + "D network needs " + std::to_string(dims) +
                      " spatial sizes, got " + std::to_string(spatial.size()));
  if (batch < 1) throw core::Error("FLOP count: batch must be at least 1");
  for (int64_t s : spatial)
    if (s < 1) throw core::Error("FLOP count: spatial sizes must be positive");

  const int64_t levels = options.levels();
  const int64_t divisor = options.size_divisor();
  const auto& ch = options.channels();
  // Voxels per sample at each level of the padded input (every pooling halves exactly).
  std::vector<double> voxels(static_cast<size_t>(levels), 1.0);
  for (int64_t s : spatial) {
    const int64_t padded = (s + divisor - 1) / divisor * divisor;
    for (int64_t l = 0; l < levels; ++l) voxels[l] *= static_cast<double>(padded >> l);
  }
  const auto gated = options.gated_levels();
  auto isGated = [&](int64_t l) { return std::find(gated.begin(), gated.end(), l) != gated.end(); };

  NetworkFlops f;
  int64_t previous = options.in_channels();
  for (int64_t l = 0; l < levels; ++l) {  // ConvBlock: two 3^d convs
    f.encoder += conv(dims, 3, previous, ch[l], voxels[l]) + conv(dims, 3, ch[l], ch[l], voxels[l]);
    previous = ch[l];
  }
  if (isGated(levels - 2)) f.gates += conv(dims, 1, ch[levels - 1], ch[levels - 1], voxels[levels - 1]);
  for (int64_t l = 0; l < levels - 1; ++l) {
    if (isGated(l)) {
      // Same inter-channel rule as the network's gates (AttentionGateOptions' default).
      const int64_t inter = AttentionGateOptions(dims, ch[l], ch[l + 1]).inter_channels();
      f.gates += conv(dims, 2, ch[l], inter, voxels[l + 1])   // theta, stride 2
                 + conv(dims, 1, ch[l + 1], inter, voxels[l + 1])  // phi on the gating signal
                 + conv(dims, 1, inter, 1, voxels[l + 1])          // psi
                 + conv(dims, 1, ch[l], ch[l], voxels[l]);         // W on the gated skip
    }
    f.decoder += conv(dims, 3, ch[l] + ch[l + 1], ch[l], voxels[l]) + conv(dims, 3, ch[l], ch[l], voxels[l]);
  }
  f.heads += conv(dims, 1, ch[0], options.num_classes(), voxels[0]);
  if (with_deep_supervision && options.deep_supervision())
    for (int64_t l = 1; l < levels - 1; ++l) f.heads += conv(dims, 1, ch[l], options.num_classes(), voxels[l]);

  const auto b = static_cast<double>(batch);
  f.encoder *= b;
  f.decoder *= b;
  f.gates *= b;
  f.heads *= b;
  return f;
}

}  // namespace aunet::model
