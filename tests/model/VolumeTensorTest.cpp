// model/VolumeTensor: a Volume's voxel order is a tensor's (C, D, H, W), copied or
// adopted, and class scores back onto a grid as labels.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/Error.h"
#include "model/VolumeTensor.h"

namespace aunet::model {
namespace {

core::Volume numberedVolume(int64_t i, int64_t j, int64_t k, int channels) {
  core::Geometry g;
  g.size = {i, j, k};
  core::Volume v(g, channels);
  for (size_t n = 0; n < v.voxels().size(); ++n) v.voxels()[n] = static_cast<float>(n);
  return v;
}

TEST(VolumeTensorTest, CopyAndAdoptionGiveTheSameTensor) {
  core::Volume volume = numberedVolume(5, 4, 3, 2);
  const torch::Tensor copied = volumeToTensor(volume);
  ASSERT_EQ(copied.sizes(), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(copied[0][1][2][3][4].item<float>(), volume.at(4, 3, 2, 1));
  const float* voxels = volume.data();
  torch::Tensor adopted = volumeToTensor(std::move(volume));
  EXPECT_EQ(adopted.data_ptr<float>(), voxels) << "no copy";
  EXPECT_TRUE(volume.empty());  // NOLINT(bugprone-use-after-move): the overload's contract
  EXPECT_TRUE(torch::equal(adopted, copied));
  adopted = torch::Tensor();  // frees the adopted voxels (ASan checks the deleter)
}

TEST(VolumeTensorTest, TwoDimensionalNetworksNeedOneSlice) {
  core::Volume slice = numberedVolume(6, 7, 1, 1);
  EXPECT_EQ(volumeToTensor(std::move(slice), 2).sizes(), (std::vector<int64_t>{1, 1, 7, 6}));
  EXPECT_THROW(volumeToTensor(numberedVolume(6, 7, 2, 1), 2), core::Error);
}

TEST(VolumeTensorTest, LabelsFromScoresLandOnTheGrid) {
  core::Geometry g;
  g.size = {4, 3, 2};
  g.spacing = {0.5, 0.7, 2.0};
  torch::Tensor scores = torch::zeros({3, 2, 3, 4});
  scores[2][1][2][3] = 1.0;  // voxel (i, j, k) = (3, 2, 1) is class 2
  scores[1][0][0][1] = 1.0;  // voxel (1, 0, 0) is class 1
  const core::LabelMap labels = labelMapFromScores(scores, g);
  EXPECT_TRUE(labels.geometry().sameGrid(g));
  EXPECT_EQ(labels.at(3, 2, 1), 2);
  EXPECT_EQ(labels.at(1, 0, 0), 1);
  EXPECT_EQ(labels.at(0, 0, 0), 0);
  g.size = {4, 3, 3};
  EXPECT_THROW(labelMapFromScores(scores, g), core::Error);
}

}  // namespace
}  // namespace aunet::model
