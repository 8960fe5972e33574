// aunet_robustness_data: builds the datasets of the contrast / resolution robustness
// benchmark (issue 28, scripts/robustness_benchmark.sh) from real images:
//   Dataset950_Colin27T1/   training: the Colin27 T1 (mricron-data ch2.nii.gz) averaged
//                           to 3 mm, label 1 = brain (ch2bet.nii.gz's non-zero voxels)
//   val_t1/                 the same image (in-contrast)
//   val_inverted/           contrast inverted inside the head (air stays dark)
//   val_t2like/             a T2-like remap of tissue classes from a 3-class k-means of the
//                           skull-stripped T1: CSF bright, grey matter mid, white matter dark
//   val_thick8mm/           3 x 3 x 8 mm: slabs of 8 slices averaged (thick axial slices)
//   val_lowres6mm/          6 mm isotropic blocks averaged
//   val_otherhead/          another head from another scanner (MONAI's anatomical.nii, 2 mm,
//                           with its mask anatomical_label.nii.gz), as it is
// Usage: aunet_robustness_data TEMPLATES_DIR MONAI_TESTING_DIR OUTPUT_DIR
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/Error.h"
#include "imaging/IntensityKMeans.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"

using namespace aunet;
namespace fs = std::filesystem;

namespace {

// Averages blocks of b[0] x b[1] x b[2] voxels; the new voxel centre is the block's centre.
core::Volume blockAverage(const core::Volume& v, const core::Index3& b) {
  core::Geometry g = v.geometry();
  core::Geometry out = g;
  for (int a = 0; a < 3; ++a) {
    out.size[a] = g.size[a] / b[a];
    out.spacing[a] = g.spacing[a] * double(b[a]);
  }
  out.origin = g.indexToPhysical({(b[0] - 1) / 2.0, (b[1] - 1) / 2.0, (b[2] - 1) / 2.0});
  core::Volume r(out, 1);
  for (int64_t k = 0; k < out.size[2]; ++k)
    for (int64_t j = 0; j < out.size[1]; ++j)
      for (int64_t i = 0; i < out.size[0]; ++i) {
        double sum = 0;
        for (int64_t z = 0; z < b[2]; ++z)
          for (int64_t y = 0; y < b[1]; ++y)
            for (int64_t x = 0; x < b[0]; ++x) sum += v.at(i * b[0] + x, j * b[1] + y, k * b[2] + z);
        r.at(i, j, k) = static_cast<float>(sum / double(b[0] * b[1] * b[2]));
      }
  return r;
}

// Label 1 where at least half the block is inside the mask.
core::LabelMap blockMajority(const core::Volume& mask, const core::Index3& b) {
  const core::Volume mean = blockAverage(mask, b);
  core::LabelMap r(mean.geometry());
  for (size_t i = 0; i < r.labels().size(); ++i) r.labels()[i] = mean.voxels()[i] >= 0.5f ? 1 : 0;
  return r;
}

void writeDataset(const fs::path& dir, const std::string& name, const core::Volume& image, const core::LabelMap& labels) {
  fs::create_directories(dir / "imagesTr");
  fs::create_directories(dir / "labelsTr");
  io::writeImage(image, (dir / "imagesTr" / (name + "_0000.nii.gz")).string());
  io::writeLabelMap(labels, (dir / "labelsTr" / (name + ".nii.gz")).string());
  std::ofstream((dir / "dataset.json").string())
      << "{\"name\": \"" << dir.filename().string() << "\", \"channel_names\": {\"0\": \"MRI\"}, "
      << "\"labels\": {\"background\": 0, \"brain\": 1}, \"numTraining\": 1, \"file_ending\": \".nii.gz\"}\n";
  std::cout << dir.string() << ": " << image.geometry().size[0] << " x " << image.geometry().size[1] << " x "
            << image.geometry().size[2] << " at " << image.geometry().spacing[0] << " x " << image.geometry().spacing[1]
            << " x " << image.geometry().spacing[2] << " mm\n";
}

// Piecewise-linear map through (x[i], y[i]), x ascending, constant beyond the ends.
float remap(float v, const std::vector<double>& x, const std::vector<double>& y) {
  if (v <= x.front()) return static_cast<float>(y.front());
  for (size_t i = 1; i < x.size(); ++i)
    if (v <= x[i]) return static_cast<float>(y[i - 1] + (y[i] - y[i - 1]) * (v - x[i - 1]) / (x[i] - x[i - 1]));
  return static_cast<float>(y.back());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: aunet_robustness_data TEMPLATES_DIR MONAI_TESTING_DIR OUTPUT_DIR\n";
    return 2;
  }
  try {
    const fs::path templates = argv[1], monai = argv[2], out = argv[3];
    const core::Volume t1 = io::readImage((templates / "ch2.nii.gz").string());
    const core::Volume bet = io::readImage((templates / "ch2bet.nii.gz").string());
    if (!t1.geometry().sameGrid(bet.geometry())) throw core::Error((templates / "ch2bet.nii.gz").string(), "grid differs from ch2.nii.gz");
    core::Volume mask(t1.geometry(), 1);
    for (size_t i = 0; i < mask.voxels().size(); ++i) mask.voxels()[i] = bet.voxels()[i] > 0 ? 1.0f : 0.0f;

    // Tissue classes: 3-class k-means of the skull-stripped T1 (CSF < grey < white matter),
    // air from a 4-class k-means of the whole image's lowest class.
    std::vector<float> brain, all;
    for (size_t i = 0; i < t1.voxels().size(); ++i) {
      all.push_back(t1.voxels()[i]);
      if (mask.voxels()[i] > 0) brain.push_back(t1.voxels()[i]);
    }
    const auto tissue = imaging::intensityKMeans(brain, 3).centres;
    const auto whole = imaging::intensityKMeans(all, 4).centres;
    const double airLimit = 0.5 * (whole[0] + whole[1]);
    const double top = *std::max_element(all.begin(), all.end());
    std::cout << "tissue centres (CSF, GM, WM): " << tissue[0] << " " << tissue[1] << " " << tissue[2]
              << "; air below " << airLimit << "\n";

    core::Volume inverted = t1, t2like = t1;
    // T2-like: CSF -> 1, GM -> 0.6, WM -> 0.35 (of the T1's WM intensity), fat / scalp
    // (brighter than WM in T1) -> 0.5; air stays dark.
    const std::vector<double> x{airLimit, tissue[0], tissue[1], tissue[2], top};
    const std::vector<double> y{0.0, 1.0 * tissue[2], 0.6 * tissue[2], 0.35 * tissue[2], 0.5 * tissue[2]};
    for (size_t i = 0; i < t1.voxels().size(); ++i) {
      const float v = t1.voxels()[i];
      inverted.voxels()[i] = v < airLimit ? v : static_cast<float>(top + airLimit - v);
      t2like.voxels()[i] = v < airLimit ? v * static_cast<float>(y[0]) : remap(v, x, y);
    }

    const core::Index3 three{3, 3, 3};
    const core::LabelMap labels3 = blockMajority(mask, three);
    writeDataset(out / "Dataset950_Colin27T1", "colin27", blockAverage(t1, three), labels3);
    writeDataset(out / "val_t1", "colin27", blockAverage(t1, three), labels3);
    writeDataset(out / "val_inverted", "colin27", blockAverage(inverted, three), labels3);
    writeDataset(out / "val_t2like", "colin27", blockAverage(t2like, three), labels3);
    writeDataset(out / "val_thick8mm", "colin27", blockAverage(t1, {3, 3, 8}), blockMajority(mask, {3, 3, 8}));
    writeDataset(out / "val_lowres6mm", "colin27", blockAverage(t1, {6, 6, 6}), blockMajority(mask, {6, 6, 6}));
    const core::Volume other = io::readImage((monai / "anatomical.nii").string());
    writeDataset(out / "val_otherhead", "anatomical", other, io::readLabelMap((monai / "anatomical_label.nii.gz").string()));
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
