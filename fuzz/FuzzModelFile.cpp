// Fuzzes ModelFile::load (what `aunet segment -m` and the viewer run on a model file).
// The input is a whole .aunet file. Its CRC-32 is recomputed over the payload the
// header announces before loading, so mutations reach the metadata parser, the
// architecture checks and LibTorch's archive reader instead of stopping at the
// checksum (a crafted file can always carry a right checksum). core::Error is the
// expected outcome for broken input; anything else (a crash, another exception, a
// huge allocation) is a finding.

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz/FuzzScratch.h"
#include "core/Error.h"
#include "model/ModelFile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= 40 && bytes.compare(0, 8, "AUNETMDL") == 0) {
    uint64_t jsonSize = 0, weightsSize = 0;
    for (int b = 0; b < 8; ++b) {
      jsonSize |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[16 + b])) << (8 * b);
      weightsSize |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[24 + b])) << (8 * b);
    }
    if (jsonSize <= bytes.size() && weightsSize <= bytes.size() && 40 + jsonSize + weightsSize <= bytes.size()) {
      const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data() + 40),
                              static_cast<uInt>(jsonSize + weightsSize));
      for (int b = 0; b < 4; ++b) bytes[32 + b] = static_cast<char>((crc >> (8 * b)) & 0xff);
    }
  }
  const std::string path =
      aunet::fuzz::writeInput("input.aunet", reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  try {
    aunet::model::ModelFile::load(path);
  } catch (const aunet::core::Error&) {
  }
  return 0;
}
