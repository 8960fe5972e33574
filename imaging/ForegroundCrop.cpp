#include "imaging/ForegroundCrop.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/Error.h"

namespace aunet::imaging {

namespace {

std::string describe(const CropBox& box) {
  return "[" + std::to_string(box.begin[0]) + ", " + std::to_string(box.begin[1]) + ", " + std::to_string(box.begin[2]) +
         "] + [" + std::to_string(box.size[0]) + ", " + std::to_string(box.size[1]) + ", " +
         std::to_string(box.size[2]) + "]";
}

void checkBox(const core::Geometry& geometry, const CropBox& box, const char* what) {
  for (int a = 0; a < 3; ++a)
    if (box.size[a] <= 0 || box.begin[a] < 0 || box.begin[a] + box.size[a] > geometry.size[a])
      throw core::Error(std::string(what) + ": crop box " + describe(box) + " is empty or outside the grid " +
                        geometry.describe());
}

// Bounding box of the voxels where nonZero(offset) holds, grown by margin.
template <typename NonZero>
CropBox boundingBox(const core::Geometry& g, const core::Index3& margin, NonZero&& nonZero) {
  for (int a = 0; a < 3; ++a)
    if (margin[a] < 0) throw core::Error("crop margin must not be negative, got " + std::to_string(margin[a]));
  core::Index3 lo = g.size, hi{-1, -1, -1};
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j) {
      const int64_t row = g.offset(0, j, k);
      for (int64_t i = 0; i < g.size[0]; ++i)
        if (nonZero(row + i)) {
          lo[0] = std::min(lo[0], i);
          hi[0] = std::max(hi[0], i);
          lo[1] = std::min(lo[1], j);
          hi[1] = std::max(hi[1], j);
          lo[2] = std::min(lo[2], k);
          hi[2] = std::max(hi[2], k);
        }
    }
  CropBox box;
  if (hi[0] < 0) {  // nothing non-zero: keep everything
    box.size = g.size;
    return box;
  }
  for (int a = 0; a < 3; ++a) {
    box.begin[a] = std::max<int64_t>(0, lo[a] - margin[a]);
    box.size[a] = std::min<int64_t>(g.size[a] - 1, hi[a] + margin[a]) - box.begin[a] + 1;
  }
  return box;
}

// Row offsets of `box` in the full grid and in the cropped grid, for row copies.
template <typename F>
void forEachBoxRow(const core::Geometry& full, const CropBox& box, F&& copyRow) {
  for (int64_t k = 0; k < box.size[2]; ++k)
    for (int64_t j = 0; j < box.size[1]; ++j)
      copyRow(full.offset(box.begin[0], box.begin[1] + j, box.begin[2] + k), box.size[0] * (j + box.size[1] * k));
}

template <typename T>
void extractBox(const core::Geometry& full, const CropBox& box, const T* fullData, T* cropData) {
  const size_t rowBytes = static_cast<size_t>(box.size[0]) * sizeof(T);
  forEachBoxRow(full, box, [&](int64_t f, int64_t c) { std::memcpy(cropData + c, fullData + f, rowBytes); });
}

template <typename T>
void insertBox(const core::Geometry& full, const CropBox& box, T* fullData, const T* cropData) {
  const size_t rowBytes = static_cast<size_t>(box.size[0]) * sizeof(T);
  forEachBoxRow(full, box, [&](int64_t f, int64_t c) { std::memcpy(fullData + f, cropData + c, rowBytes); });
}

void checkPadInput(const core::Geometry& cropped, const core::Geometry& original, const CropBox& box) {
  const core::Geometry expected = croppedGeometry(original, box);
  // A crop moved or resampled in between would be pasted in the wrong place.
  if (!cropped.sameGrid(expected))
    throw core::Error("pad to original grid: the cropped image (" + cropped.describe() +
                      ") is not on the grid of crop box " + describe(box) + " (" + expected.describe() + ")");
}

}  // namespace

CropBox nonZeroBoundingBox(const core::Volume& volume, const core::Index3& margin) {
  if (volume.empty()) throw core::Error("crop: the volume is empty");
  const int64_t n = volume.geometry().voxelCount();
  const int channels = volume.channels();
  const float* data = volume.data();
  return boundingBox(volume.geometry(), margin, [&](int64_t v) {
    for (int c = 0; c < channels; ++c)
      if (data[c * n + v] != 0.0f) return true;
    return false;
  });
}

CropBox nonZeroBoundingBox(const core::LabelMap& labels, const core::Index3& margin) {
  if (labels.labels().empty()) throw core::Error("crop: the label map is empty");
  const uint16_t* data = labels.data();
  return boundingBox(labels.geometry(), margin, [&](int64_t v) { return data[v] != 0; });
}

core::Geometry croppedGeometry(const core::Geometry& geometry, const CropBox& box) {
  checkBox(geometry, box, "crop");
  core::Geometry out = geometry;
  out.size = box.size;
  out.origin = geometry.indexToPhysical(
      {static_cast<double>(box.begin[0]), static_cast<double>(box.begin[1]), static_cast<double>(box.begin[2])});
  return out;
}

core::Volume crop(const core::Volume& volume, const CropBox& box) {
  const core::Geometry g = croppedGeometry(volume.geometry(), box);
  core::Volume out(g, volume.channels(), volume.originalType());
  out.metadata() = volume.metadata();
  for (int c = 0; c < volume.channels(); ++c)
    extractBox(volume.geometry(), box, volume.channel(c), out.channel(c));
  return out;
}

core::LabelMap crop(const core::LabelMap& labels, const CropBox& box) {
  const core::Geometry g = croppedGeometry(labels.geometry(), box);
  core::LabelMap out(g);
  out.metadata() = labels.metadata();
  extractBox(labels.geometry(), box, labels.data(), out.data());
  return out;
}

core::Volume padToOriginal(const core::Volume& cropped, const core::Geometry& original, const CropBox& box,
                           float fill) {
  checkPadInput(cropped.geometry(), original, box);
  core::Volume out(original, cropped.channels(), cropped.originalType());
  out.metadata() = cropped.metadata();
  std::fill(out.voxels().begin(), out.voxels().end(), fill);
  for (int c = 0; c < cropped.channels(); ++c)
    insertBox(original, box, out.channel(c), cropped.channel(c));
  return out;
}

core::LabelMap padToOriginal(const core::LabelMap& cropped, const core::Geometry& original, const CropBox& box,
                             uint16_t fill) {
  checkPadInput(cropped.geometry(), original, box);
  core::LabelMap out(original);
  out.metadata() = cropped.metadata();
  std::fill(out.labels().begin(), out.labels().end(), fill);
  insertBox(original, box, out.data(), cropped.data());
  return out;
}

CroppedCase cropToNonZero(const core::Volume& image, const core::LabelMap* labels, const core::Index3& margin) {
  if (labels && !labels->geometry().sameGrid(image.geometry()))
    throw core::Error("crop: the label map (" + labels->geometry().describe() + ") is not on the image's grid (" +
                      image.geometry().describe() + ")");
  CroppedCase result;
  result.original = image.geometry();
  result.box = nonZeroBoundingBox(image, margin);
  result.image = crop(image, result.box);
  if (labels) result.labels = crop(*labels, result.box);
  return result;
}

}  // namespace aunet::imaging
