// model/Bf16Values.h against c10::BFloat16: loading is exact, storing rounds to
// nearest even exactly as ATen does, ties included.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <c10/util/BFloat16.h>

#include <cstring>
#include <limits>
#include <vector>

#include "model/Bf16Values.h"

namespace aunet::model::kernels {
namespace {

uint16_t atenBits(float value) { return c10::BFloat16(value).x; }

float fromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

TEST(Bf16Values, StoreRoundsToNearestEvenAsATen) {
  std::vector<float> values{0.0f, -0.0f, 1.0f, -2.5f, 3.14159f, 1e-30f, -1e30f, 65504.0f,
                            std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max()};
  // Ties: exactly halfway between two bf16 values, below and above an even one.
  values.push_back(fromBits(0x3F808000u));  // 1.0 + half a step: rounds down to the even 1.0
  values.push_back(fromBits(0x3F818000u));  // rounds up to the even 0x3F82
  values.push_back(fromBits(0x3F807FFFu));  // just below half: down
  values.push_back(fromBits(0x3F808001u));  // just above half: up
  const torch::Tensor random = torch::randn({4096}) * 100.0;
  for (int64_t i = 0; i < random.numel(); ++i) values.push_back(random[i].item<float>());
  for (const float v : values) {
    uint16_t stored = 0;
    storeValue(&stored, 0, v);
    EXPECT_EQ(stored, atenBits(v)) << "value " << v;
  }
  uint16_t nan = 0;
  storeValue(&nan, 0, std::numeric_limits<float>::quiet_NaN());
  const float back = loadValue(&nan, 0);
  EXPECT_TRUE(back != back) << "a NaN stays a NaN";
}

TEST(Bf16Values, LoadIsExact) {
  for (uint32_t bits = 0; bits < 0x10000u; bits += 7) {
    const auto b = static_cast<uint16_t>(bits);
    const float got = loadValue(&b, 0);
    c10::BFloat16 want;
    want.x = b;
    const float expected = static_cast<float>(want);
    if (expected != expected) {
      EXPECT_TRUE(got != got);
      continue;
    }
    EXPECT_EQ(got, expected) << "bits " << bits;
  }
}

}  // namespace
}  // namespace aunet::model::kernels
