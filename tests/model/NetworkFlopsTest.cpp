#include "model/NetworkFlops.h"

#include <gtest/gtest.h>

#include "core/Error.h"

namespace aunet::model {
namespace {

// 3D, channels {2, 4, 8} (3 levels, divisor 4), one input channel, 2 classes; the
// default gating gates level 1 only. Input 4^3: 64 voxels at level 0, 8 at level 1,
// 1 at the bottleneck. Every term written out by hand as 2 * k^3 * Cin * Cout * voxels.
constexpr double kEncoder = 2 * 27 * 1 * 2 * 64 + 2 * 27 * 2 * 2 * 64    // encoder0
                            + 2 * 27 * 2 * 4 * 8 + 2 * 27 * 4 * 4 * 8    // encoder1
                            + 2 * 27 * 4 * 8 * 1 + 2 * 27 * 8 * 8 * 1;   // encoder2 (bottleneck)
constexpr double kGates = 2 * 1 * 8 * 8 * 1                               // gating_conv 1x1 8->8 at 1 voxel
                          + 2 * 8 * 4 * 2 * 1                             // gate1 theta 2^3, 4->2 at 1 voxel
                          + 2 * 1 * 8 * 2 * 1                             // gate1 phi 8->2
                          + 2 * 1 * 2 * 1 * 1                             // gate1 psi 2->1
                          + 2 * 1 * 4 * 4 * 8;                            // gate1 W 4->4 at 8 voxels
constexpr double kDecoder = 2 * 27 * (4 + 8) * 4 * 8 + 2 * 27 * 4 * 4 * 8  // decoder1
                            + 2 * 27 * (2 + 4) * 2 * 64 + 2 * 27 * 2 * 2 * 64;  // decoder0
constexpr double kHead = 2 * 1 * 2 * 2 * 64;
constexpr double kDeepSupervision = 2 * 1 * 4 * 2 * 8;  // ds1: 1x1 4->2 at 8 voxels

AttentionUNetOptions tiny3d() { return AttentionUNetOptions(3, 1, 2).channels({2, 4, 8}); }

TEST(NetworkFlopsTest, MatchesHandCountForTiny3dNetwork) {
  const NetworkFlops f = NetworkFlops::forward(tiny3d(), {4, 4, 4});
  EXPECT_DOUBLE_EQ(f.encoder, kEncoder);
  EXPECT_DOUBLE_EQ(f.gates, kGates);
  EXPECT_DOUBLE_EQ(f.decoder, kDecoder);
  EXPECT_DOUBLE_EQ(f.heads, kHead);
  EXPECT_DOUBLE_EQ(f.total(), kEncoder + kGates + kDecoder + kHead);
  EXPECT_DOUBLE_EQ(f.total(), 120292.0);  // the sum, evaluated by hand once
}

TEST(NetworkFlopsTest, DeepSupervisionAddsItsHeads) {
  const NetworkFlops f = NetworkFlops::forward(tiny3d(), {4, 4, 4}, 1, true);
  EXPECT_DOUBLE_EQ(f.heads, kHead + kDeepSupervision);
  const NetworkFlops off = NetworkFlops::forward(tiny3d().deep_supervision(false), {4, 4, 4}, 1, true);
  EXPECT_DOUBLE_EQ(off.heads, kHead);
}

TEST(NetworkFlopsTest, CountsThePaddedSizeAndScalesWithBatch) {
  // 3x2x4 pads to 4x4x4 (divisor 4): the network computes on the padded tensor.
  EXPECT_DOUBLE_EQ(NetworkFlops::forward(tiny3d(), {3, 2, 4}).total(), 120292.0);
  EXPECT_DOUBLE_EQ(NetworkFlops::forward(tiny3d(), {4, 4, 4}, 3).total(), 3 * 120292.0);
  // 8^3 has 8x the voxels at every level.
  EXPECT_DOUBLE_EQ(NetworkFlops::forward(tiny3d(), {8, 8, 8}).total(), 8 * 120292.0);
}

TEST(NetworkFlopsTest, UngatedNetworkHasNoGateFlops) {
  const NetworkFlops f = NetworkFlops::forward(tiny3d().gated_levels({}), {4, 4, 4});
  EXPECT_DOUBLE_EQ(f.gates, 0.0);
  EXPECT_DOUBLE_EQ(f.total(), kEncoder + kDecoder + kHead);
}

TEST(NetworkFlopsTest, MatchesHandCountFor2dNetwork) {
  // 2D, channels {2, 4}, 3 classes, no gated level (only the finest skip, never gated
  // by default). Input 2x2: 4 pixels at level 0, 1 at level 1.
  const NetworkFlops f = NetworkFlops::forward(AttentionUNetOptions(2, 1, 3).channels({2, 4}), {2, 2});
  const double expected = 2 * 9 * 1 * 2 * 4 + 2 * 9 * 2 * 2 * 4  // encoder0
                          + 2 * 9 * 2 * 4 * 1 + 2 * 9 * 4 * 4 * 1  // encoder1
                          + 2 * 9 * (2 + 4) * 2 * 4 + 2 * 9 * 2 * 2 * 4  // decoder0
                          + 2 * 1 * 2 * 3 * 4;                     // head
  EXPECT_DOUBLE_EQ(f.gates, 0.0);
  EXPECT_DOUBLE_EQ(f.total(), expected);
}

TEST(NetworkFlopsTest, RejectsBadSizes) {
  EXPECT_THROW(NetworkFlops::forward(tiny3d(), {4, 4}), core::Error);
  EXPECT_THROW(NetworkFlops::forward(tiny3d(), {4, 0, 4}), core::Error);
  EXPECT_THROW(NetworkFlops::forward(tiny3d(), {4, 4, 4}, 0), core::Error);
}

}  // namespace
}  // namespace aunet::model
