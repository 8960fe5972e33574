#pragma once
// The .aunet model file: one file holding the network's weights and a JSON document
// (architecture, labels, preprocessing plan, provenance), so loading rebuilds the
// network from the file alone.
//
// Layout (little-endian):
//   0  "AUNETMDL"               magic
//   8  uint32 format version    (readers refuse newer versions)
//   12 uint32 flags             (0)
//   16 uint64 JSON length
//   24 uint64 weights length
//   32 uint32 CRC-32 of JSON + weights
//   36 uint32 reserved          (0)
//   40 JSON (UTF-8), then the weights as a LibTorch archive
// Sizes are checked against the file before anything is allocated, and the checksum
// before anything is parsed, so truncated or corrupted files fail with a reason.

#include <cstdint>
#include <string>

#include "model/AttentionUNet.h"
#include "model/api/ModelMetadata.h"

namespace aunet::model {

struct LoadedModel {
  AttentionUNet network{nullptr};
  ModelMetadata metadata;
};

class ModelFile {
 public:
  static constexpr uint32_t kFormatVersion = 1;
  static constexpr const char* kExtension = ".aunet";

  // Writes atomically: a temporary file in the target folder, flushed, then renamed.
  // The metadata's architecture is replaced by the network's own options.
  static void save(const std::string& path, AttentionUNet& network, const ModelMetadata& metadata);

  // Rebuilds the network (eval mode) on `device`. Throws core::Error("<path>: reason").
  static LoadedModel load(const std::string& path, const torch::Device& device = torch::kCPU);

  // Reads and verifies the file but only parses the metadata (for `aunet info`, the GUI).
  static ModelMetadata readMetadata(const std::string& path);
};

}  // namespace aunet::model
