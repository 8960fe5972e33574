#include "model/VolumeTensor.h"

#include <algorithm>
#include <cstring>

#include "core/Error.h"
#include "model/ClassArgmax.h"

namespace aunet::model {

namespace {

std::vector<int64_t> tensorShape(const core::Volume& volume, int spatialDims) {
  const auto& s = volume.geometry().size;
  if (spatialDims == 2 && s[2] != 1)
    throw core::Error(volume.metadata().sourcePath, "a 2D network needs a single-slice image, got " +
                                                        std::to_string(s[2]) + " slices");
  return spatialDims == 3 ? std::vector<int64_t>{1, volume.channels(), s[2], s[1], s[0]}
                          : std::vector<int64_t>{1, volume.channels(), s[1], s[0]};
}

}  // namespace

torch::Tensor volumeToTensor(const core::Volume& volume, int spatialDims) {
  return torch::from_blob(const_cast<float*>(volume.data()), tensorShape(volume, spatialDims), torch::kFloat32).clone();
}

torch::Tensor volumeToTensor(core::Volume&& volume, int spatialDims) {
  const std::vector<int64_t> shape = tensorShape(volume, spatialDims);
  auto* voxels = new std::vector<float>(std::move(volume.voxels()));
  volume = core::Volume();
  return torch::from_blob(
      voxels->data(), shape, [voxels](void*) { delete voxels; }, torch::kFloat32);
}

core::LabelMap labelMapFromTensor(const torch::Tensor& labels, const core::Geometry& geometry) {
  if (labels.numel() != geometry.voxelCount())
    throw core::Error("label tensor has " + std::to_string(labels.numel()) + " voxels, grid has " +
                      std::to_string(geometry.voxelCount()));
  core::LabelMap map(geometry);
  const torch::Tensor cpu = labels.to(torch::kCPU, torch::kInt32).contiguous();
  const int32_t* src = cpu.data_ptr<int32_t>();
  for (int64_t v = 0; v < cpu.numel(); ++v) map.data()[v] = static_cast<uint16_t>(src[v]);
  return map;
}

core::LabelMap labelMapFromScores(const torch::Tensor& scores, const core::Geometry& geometry) {
  const int64_t classes = scores.dim() < 2 ? 0 : scores.size(0);
  if (classes < 1 || scores.numel() != classes * geometry.voxelCount())
    throw core::Error("class scores have " + std::to_string(classes < 1 ? 0 : scores.numel() / classes) +
                      " voxels per class, grid has " + std::to_string(geometry.voxelCount()));
  core::LabelMap map(geometry);
  classIndicesInto(scores, map.data());
  return map;
}

core::Volume volumeFromTensor(const torch::Tensor& channels, const core::Geometry& geometry) {
  const int64_t c = channels.size(0);
  if (channels.numel() != c * geometry.voxelCount())
    throw core::Error("tensor has " + std::to_string(channels.numel() / std::max<int64_t>(c, 1)) +
                      " voxels per channel, grid has " + std::to_string(geometry.voxelCount()));
  core::Volume volume(geometry, static_cast<int>(c), core::PixelType::Float32);
  const torch::Tensor cpu = channels.to(torch::kCPU, torch::kFloat32).contiguous();
  std::memcpy(volume.data(), cpu.data_ptr<float>(), sizeof(float) * static_cast<size_t>(cpu.numel()));
  return volume;
}

}  // namespace aunet::model
