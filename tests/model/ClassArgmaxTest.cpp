// model::classIndices / classIndicesInto against torch::argmax(scores, 0): ties, NaNs,
// sizes that are no multiple of its voxel block, views, low-precision scores, and the
// shapes it must refuse.

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/Error.h"
#include "model/ClassArgmax.h"
#include "model/CudaBackend.h"

namespace aunet::model {
namespace {

void expectMatchesTorch(const torch::Tensor& scores) {
  const torch::Tensor expected = scores.argmax(0).cpu().to(torch::kInt16);
  const torch::Tensor got = classIndices(scores);
  ASSERT_EQ(got.sizes(), expected.sizes());
  ASSERT_EQ(got.scalar_type(), torch::kInt16);
  EXPECT_TRUE(torch::equal(got, expected)) << (got != expected).sum().item<int64_t>() << " voxels differ";
}

TEST(ClassArgmaxTest, MatchesTorchArgmaxForAnyClassCount) {
  torch::manual_seed(1);
  for (int64_t classes : {1, 2, 3, 5, 17})
    for (const std::vector<int64_t>& spatial : std::vector<std::vector<int64_t>>{{7, 33, 65}, {129, 257}, {1, 1, 1}}) {
      SCOPED_TRACE("classes " + std::to_string(classes) + ", " + std::to_string(spatial.size()) + "D");
      std::vector<int64_t> shape{classes};
      shape.insert(shape.end(), spatial.begin(), spatial.end());
      expectMatchesTorch(torch::randn(shape));
    }
}

TEST(ClassArgmaxTest, TiesGoToTheFirstClassAsInTorch) {
  torch::manual_seed(2);
  // Few distinct values: most voxels have tied maxima, in every order.
  const torch::Tensor scores = torch::randint(0, 3, {4, 9, 31, 47}).to(torch::kFloat32);
  ASSERT_GT((std::get<0>(scores.max(0, true)) == scores).sum(0).gt(1).sum().item<int64_t>(), 1000);
  expectMatchesTorch(scores);
  expectMatchesTorch(torch::zeros({3, 5000}));  // all tied: class 0 everywhere
}

TEST(ClassArgmaxTest, NaNCountsAsTheMaximumAsInTorch) {
  torch::manual_seed(3);
  torch::Tensor scores = torch::randn({4, 3000});
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const torch::Tensor where = torch::rand({4, 3000}) < 0.2;
  scores.masked_fill_(where, nan);  // voxels with NaN in no class, one class, several
  ASSERT_GT(where.sum(0).gt(1).sum().item<int64_t>(), 100);
  expectMatchesTorch(scores);
}

TEST(ClassArgmaxTest, ViewsAndLowPrecisionScores) {
  torch::manual_seed(4);
  const torch::Tensor base = torch::randn({3, 20, 40, 50});
  expectMatchesTorch(base.narrow(3, 5, 33));      // not contiguous
  expectMatchesTorch(base.permute({0, 2, 1, 3}));  // transposed spatial axes
  expectMatchesTorch(base.to(torch::kBFloat16));
  expectMatchesTorch(base.to(torch::kFloat64));
}

TEST(ClassArgmaxTest, WritesIntoACallersBuffer) {
  torch::manual_seed(5);
  const torch::Tensor scores = torch::randn({3, 4100});
  std::vector<uint16_t> out(4100, 999);
  classIndicesInto(scores, out.data());
  const torch::Tensor expected = scores.argmax(0);
  for (int64_t v = 0; v < 4100; ++v) ASSERT_EQ(out[v], expected[v].item<int64_t>()) << "voxel " << v;
}

TEST(ClassArgmaxTest, RefusesScoresWithoutAClassAxis) {
  EXPECT_THROW(classIndices(torch::randn({5})), core::Error);
  EXPECT_THROW(classIndices(torch::Tensor()), core::Error);
  EXPECT_THROW(classIndices(torch::randn({0, 4})), core::Error);
}

TEST(ClassArgmaxTest, CudaScoresAreReducedOnTheirDevice) {
  if (!torch::cuda::is_available())
    GTEST_SKIP() << "no CUDA device (CUDA backend: " << loadCudaBackend().describe() << ")";
  torch::manual_seed(6);
  const torch::Tensor scores = torch::randn({4, 30, 70, 90});
  const torch::Tensor expected = classIndices(scores);
  EXPECT_TRUE(torch::equal(classIndices(scores.cuda()), expected));
}

}  // namespace
}  // namespace aunet::model
