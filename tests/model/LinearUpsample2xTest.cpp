// model::linearUpsample2xInto against LibTorch's interpolate (align_corners=false), into
// a channel slice of a channels-last buffer, and the cases it must decline.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/LinearUpsample2x.h"
#include "tests/model/UpsampleTestSupport.h"

namespace aunet::model {
namespace {

using test::channelsLast;

torch::Tensor reference(const torch::Tensor& src) { return test::interpolate2x(src); }

// bf16 inference: the float interpolation of the same bf16 values, rounded once.
TEST(LinearUpsample2x, Bf16MatchesFloatInterpolateRoundedOnce) {
  torch::manual_seed(6);
  for (const std::vector<int64_t>& spatial : std::vector<std::vector<int64_t>>{{3, 4, 5}, {5, 3}}) {
    const int64_t channels = 16;
    std::vector<int64_t> shape{2, channels};
    shape.insert(shape.end(), spatial.begin(), spatial.end());
    SCOPED_TRACE(std::to_string(spatial.size()) + "D");
    const torch::Tensor src = torch::randn(shape).to(torch::kBFloat16).contiguous(channelsLast(shape.size()));
    std::vector<int64_t> big{2, channels + 3};
    for (int64_t s : spatial) big.push_back(2 * s);
    torch::Tensor buffer =
        torch::full(big, 42.0f).to(torch::kBFloat16).contiguous(channelsLast(big.size()));
    torch::Tensor slice = buffer.narrow(1, 3, channels);
    ASSERT_TRUE(linearUpsample2xInto(src, slice));
    const torch::Tensor want = reference(src.to(torch::kFloat32)).to(torch::kBFloat16).to(torch::kFloat32);
    const torch::Tensor got = slice.to(torch::kFloat32);
    EXPECT_TRUE(((got - want).abs() <= want.abs() * (1.0 / 128.0) + 1e-3).all().item<bool>())
        << "max difference " << (got - want).abs().max().item<float>();
    EXPECT_TRUE(torch::all(buffer.narrow(1, 0, 3).to(torch::kFloat32) == 42.0f).item<bool>()) << "other channels untouched";
    torch::Tensor floatSlice = torch::empty_like(slice, slice.options().dtype(torch::kFloat32));
    EXPECT_FALSE(linearUpsample2xInto(src, floatSlice)) << "mixed value types are declined";
  }
}

TEST(LinearUpsample2x, MatchesInterpolateIntoAChannelSlice) {
  torch::manual_seed(3);
  for (const std::vector<int64_t>& spatial : std::vector<std::vector<int64_t>>{{3, 4, 5}, {1, 2, 7}, {5, 3}, {1, 1}}) {
    for (const int64_t channels : {1, 5, 16}) {
      std::vector<int64_t> shape{2, channels};
      shape.insert(shape.end(), spatial.begin(), spatial.end());
      SCOPED_TRACE(std::to_string(spatial.size()) + "D, " + std::to_string(channels) + " channels");
      const torch::Tensor src = torch::randn(shape).contiguous(channelsLast(shape.size()));
      std::vector<int64_t> big{2, channels + 3};
      for (int64_t s : spatial) big.push_back(2 * s);
      torch::Tensor buffer = torch::full(big, 42.0f).contiguous(channelsLast(big.size()));
      torch::Tensor slice = buffer.narrow(1, 2, channels);
      ASSERT_TRUE(linearUpsample2xInto(src, slice));
      const torch::Tensor expected = reference(src);
      EXPECT_TRUE(torch::allclose(slice, expected, 1e-5, 1e-6))
          << "max difference " << (slice - expected).abs().max().item<float>();
      // The channels around the slice are untouched.
      EXPECT_TRUE(buffer.narrow(1, 0, 2).eq(42.0f).all().item<bool>());
      EXPECT_TRUE(buffer.narrow(1, channels + 2, 1).eq(42.0f).all().item<bool>());
    }
  }
}

// A slab of the first spatial axis (the decoder's concatenation built a few rows at a
// time): every row equals that row of the whole upsampling, edges and clamping included.
TEST(LinearUpsample2x, RowsOfTheFirstAxisMatchTheWholeUpsampling) {
  torch::manual_seed(8);
  for (const std::vector<int64_t>& spatial : std::vector<std::vector<int64_t>>{{5, 3, 4}, {6, 3}}) {
    for (const auto type : {torch::kFloat32, torch::kBFloat16}) {
      std::vector<int64_t> shape{2, 3};
      shape.insert(shape.end(), spatial.begin(), spatial.end());
      const torch::Tensor src = torch::randn(shape).to(type).contiguous(channelsLast(shape.size()));
      std::vector<int64_t> whole_shape{2, 3};
      for (int64_t s : spatial) whole_shape.push_back(2 * s);
      torch::Tensor whole = torch::empty(whole_shape, src.options()).contiguous(channelsLast(shape.size()));
      ASSERT_TRUE(linearUpsample2xInto(src, whole));
      const int64_t rows = 2 * spatial[0];
      for (const auto& [first, count] : std::vector<std::pair<int64_t, int64_t>>{{0, 3}, {1, 4}, {4, 5}, {rows - 2, 2}, {0, rows}}) {
        SCOPED_TRACE(std::to_string(spatial.size()) + "D, rows " + std::to_string(first) + "+" + std::to_string(count));
        std::vector<int64_t> big = whole_shape;
        big[1] = 5;
        big[2] = count;
        torch::Tensor buffer = torch::full(big, 42.0f, src.options()).contiguous(channelsLast(big.size()));
        torch::Tensor slice = buffer.narrow(1, 1, 3);
        ASSERT_TRUE(linearUpsample2xInto(src, slice, first));
        EXPECT_TRUE(torch::equal(slice, whole.narrow(2, first, count)));
        EXPECT_TRUE(buffer.narrow(1, 0, 1).eq(42.0f).all().item<bool>());
      }
      torch::Tensor tooFar = torch::zeros(whole_shape, src.options()).contiguous(channelsLast(shape.size())).narrow(2, 0, 3);
      tooFar = tooFar.contiguous(channelsLast(shape.size()));
      EXPECT_FALSE(linearUpsample2xInto(src, tooFar, rows - 2)) << "rows past the end";
      EXPECT_FALSE(linearUpsample2xInto(src, tooFar, -1)) << "a negative first row";
    }
  }
}

TEST(LinearUpsample2x, DeclinesWhatItCannotWriteAndTouchesNothing) {
  const torch::Tensor src = torch::randn({1, 4, 3, 3, 3}).contiguous(at::MemoryFormat::ChannelsLast3d);
  const auto declines = [&](const torch::Tensor& from, torch::Tensor to) {
    const torch::Tensor before = to.clone();
    const bool accepted = linearUpsample2xInto(from, to);
    return !accepted && torch::equal(before, to);
  };
  torch::Tensor dst = torch::zeros({1, 4, 6, 6, 6}).contiguous(at::MemoryFormat::ChannelsLast3d);
  EXPECT_TRUE(declines(src.contiguous(), dst)) << "NCDHW source";
  EXPECT_TRUE(declines(src, torch::zeros({1, 4, 6, 6, 6}))) << "NCDHW destination";
  EXPECT_TRUE(declines(src, torch::zeros({1, 4, 6, 6, 7}).contiguous(at::MemoryFormat::ChannelsLast3d)))
      << "not exactly twice the size";
  EXPECT_TRUE(declines(src, torch::zeros({1, 3, 6, 6, 6}).contiguous(at::MemoryFormat::ChannelsLast3d)))
      << "channel count differs";
  EXPECT_TRUE(declines(src.to(torch::kFloat64), dst.to(torch::kFloat64))) << "double";
  EXPECT_TRUE(declines(src, torch::zeros({1, 4, 12, 6, 6}).contiguous(at::MemoryFormat::ChannelsLast3d).slice(2, 0, 12, 2)))
      << "strided slices";
}

}  // namespace
}  // namespace aunet::model
