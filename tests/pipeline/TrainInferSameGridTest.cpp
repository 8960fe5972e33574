// Training and segmentation see a case on the same grid with the same voxels (issue
// 23): the same image through preprocessTrainingCase (the training path) and through
// modelInput (what SegmentationPipeline feeds the network) must give the same grid,
// the training one a box of the other, and the same normalized voxels within float
// rounding (the two resample onto grids whose origins are computed from different
// corners: 1e-5). 3D and 2D plans, anisotropic spacing, an oblique and flipped
// orientation, resampled or only reoriented, z-score and CT normalization.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/Geometry.h"
#include "imaging/ForegroundCrop.h"
#include "imaging/ModelSpace.h"
#include "io/ImageWriter.h"
#include "io/NnUNetDataset.h"
#include "pipeline/ModelInput.h"
#include "pipeline/TrainingPreprocessor.h"

namespace aunet::pipeline {
namespace {

namespace fs = std::filesystem;

struct Scenario {
  const char* name;
  int dims;
  core::Index3 size;
  core::Vec3 spacing;
  bool obliqueFlipped;
  std::vector<double> targetSpacing;
  std::string normalization;
};

core::Geometry scenarioGrid(const Scenario& s) {
  core::Geometry g;
  g.size = s.size;
  g.spacing = s.spacing;
  g.origin = {31.5, -12.25, 8.0};
  if (s.obliqueFlipped) {
    // 20 degrees about z, with the j axis reversed (rows stored bottom-up).
    const double a = 20 * M_PI / 180;
    g.direction = {std::cos(a), std::sin(a), 0, std::sin(a), -std::cos(a), 0, 0, 0, 1};
    if (s.size[2] > 1) g.direction[8] = -1;  // and slices head to foot
  }
  return g;
}

// An image that is zero outside an ellipsoid (so there is something to crop), with
// intensities that vary inside, and labels in it.
void writeCase(const Scenario& s, const fs::path& dir, core::Volume& image) {
  const core::Geometry g = scenarioGrid(s);
  image = core::Volume(g, 1, core::PixelType::Int16);
  core::LabelMap labels(g);
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const double x = (i - 0.45 * g.size[0]) / (0.3 * g.size[0]), y = (j - 0.55 * g.size[1]) / (0.3 * g.size[1]);
        const double z = g.size[2] > 1 ? (k - 0.5 * g.size[2]) / (0.35 * g.size[2]) : 0.0;
        if (x * x + y * y + z * z > 1.0) continue;
        image.at(i, j, k) = static_cast<float>(200 + (i * 7 + j * 13 + k * 29) % 90);
        labels.at(i, j, k) = x * x + y * y < 0.3 ? 2 : 1;
      }
  fs::create_directories(dir);
  io::writeImage(image, (dir / "case_0000.nrrd").string());
  io::writeLabelMap(labels, (dir / "case.nrrd").string());
}

TEST(TrainInferSameGrid, TrainingCasesAreBoxesOfTheSegmentationInput) {
  const std::vector<Scenario> scenarios = {
      {"3D oblique, flipped, anisotropic, resampled", 3, {40, 36, 14}, {0.8, 1.1, 3.0}, true, {1.0, 1.0, 2.0}, "zscore"},
      {"3D flipped, only reoriented", 3, {30, 26, 12}, {1.0, 1.0, 2.5}, true, {}, "zscore"},
      {"3D axis-aligned, CT normalization", 3, {32, 28, 10}, {0.7, 0.7, 4.0}, false, {1.4, 1.4, 4.0}, "ct"},
      {"2D slice, flipped, in-plane resampling", 2, {48, 40, 1}, {0.6, 0.9, 5.0}, true, {1.0, 1.0}, "zscore"},
  };
  const fs::path root = fs::temp_directory_path() / ("aunet-same-grid-" + std::to_string(::getpid()));
  for (const Scenario& s : scenarios) {
    SCOPED_TRACE(s.name);
    const fs::path dir = root / std::to_string(&s - scenarios.data());
    core::Volume image;
    writeCase(s, dir, image);
    model::TrainingPlan plan;
    plan.spatial_dims = s.dims;
    plan.preprocessing.orientation = "RAI";
    plan.preprocessing.target_spacing = s.targetSpacing;
    plan.preprocessing.patch_size = s.dims == 2 ? std::vector<int64_t>{16, 16, 1} : std::vector<int64_t>{16, 16, 8};
    plan.preprocessing.normalization.scheme = s.normalization;
    if (s.normalization == "ct") {
      plan.preprocessing.normalization.mean = {240};
      plan.preprocessing.normalization.std = {25};
      plan.preprocessing.normalization.clip_low = {205};
      plan.preprocessing.normalization.clip_high = {280};
    }
    io::NnUNetCase source;
    source.id = "case";
    source.imagePaths = {(dir / "case_0000.nrrd").string()};
    source.labelPath = (dir / "case.nrrd").string();

    const TrainingCase trained = preprocessTrainingCase(source, plan);
    const imaging::ModelSpace space(image.geometry(), imaging::ModelGridPlan::of(plan.preprocessing, s.dims));
    const core::Volume segmented = modelInput(image, space, plan.preprocessing.normalization, "image");

    // Same grid: the training case is a box of the segmentation grid.
    ASSERT_TRUE(segmented.geometry().sameGrid(space.grid(), 1e-9));
    const imaging::CropBox box = space.boxOnGrid(imaging::nonZeroBoundingBox(space.orient(image)));
    ASSERT_TRUE(trained.image.geometry().sameGrid(imaging::croppedGeometry(space.grid(), box), 1e-9))
        << trained.image.geometry().describe() << " vs " << space.grid().describe();
    EXPECT_LT(box.size[0] * box.size[1] * box.size[2], space.grid().voxelCount()) << "nothing was cropped";
    if (s.dims == 2) EXPECT_EQ(trained.image.geometry().size[2], 1);
    // Same normalized voxels inside the box.
    const core::Volume inBox = imaging::crop(segmented, box);
    double worst = 0.0;
    for (size_t v = 0; v < inBox.voxels().size(); ++v)
      worst = std::max(worst, static_cast<double>(std::fabs(inBox.voxels()[v] - trained.image.voxels()[v])));
    EXPECT_LT(worst, 1e-5);
    // Before normalization, nothing but zeros outside the box on the segmentation grid:
    // the crop left out only what was background in the image.
    const core::Volume onGrid = space.toModel(image);
    const core::Volume padded = imaging::padToOriginal(imaging::crop(onGrid, box), space.grid(), box);
    EXPECT_EQ(padded.voxels(), onGrid.voxels()) << "non-zero model-grid voxels outside the training box";
    EXPECT_EQ(trained.labels.geometry().size, trained.image.geometry().size);
  }
  fs::remove_all(root);
}

TEST(TrainInferSameGrid, MemoryEstimateAndRunShareTheGrid) {
  // The estimate's grid is the run's grid: ModelSpace is the only place it is computed.
  const core::Geometry g = scenarioGrid({"", 3, {37, 29, 11}, {0.83, 1.17, 2.9}, true, {}, ""});
  imaging::ModelGridPlan plan{3, "RAI", {1.0, 1.0, 2.0}, {32, 32, 32}};
  const imaging::ModelSpace space(g, plan);
  EXPECT_TRUE(space.reorients());
  EXPECT_TRUE(space.resamples());
  int64_t expected = 1;
  for (int a = 0; a < 3; ++a) expected *= std::max<int64_t>(space.grid().size[a], 32);
  EXPECT_EQ(space.paddedVoxelCount(), expected);
}

}  // namespace
}  // namespace aunet::pipeline
