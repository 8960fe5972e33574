// NIfTI files as tools write them, through the commands (issue 22): a scaled file
// segments to the same mask as the unscaled one; a 4D file is channels for a model
// that wants them and a named error for one that does not; `convert --volume` takes
// one volume out; a Decathlon dataset of 4D files trains on the same cases as the
// same data in one file per channel.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include <torch/torch.h>

#include "app/commands/ConvertCommand.h"
#include "app/commands/SegmentCommand.h"
#include "pipeline/SegmentationPipeline.h"
#include "pipeline/TrainingPreprocessor.h"
#include "pipeline/DatasetChecker.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "io/NnUNetDataset.h"
#include "core/Error.h"
#include "core/Phantom.h"
#include "model/AttentionUNet.h"
#include "model/ModelFile.h"
#include "tests/app/TinyModelFile.h"
#include "tests/io/NiftiFileBuilder.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;
using io::test::NiftiFileBuilder;

class NiftiInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aunet-nifti-input-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

// A builder holding `geometry` in its sform (and nothing in its qform), as dcm2niix
// and nibabel-made files often do.
NiftiFileBuilder sformOnly(const core::Geometry& g, int volumes) {
  NiftiFileBuilder b;
  b.dim = {volumes > 1 ? 4 : 3, g.size[0], g.size[1], g.size[2], volumes, 1, 1, 1};
  b.pixdim = {1, g.spacing[0], g.spacing[1], g.spacing[2], 2.0, 1, 1, 1};
  b.xyztUnits = 2 | 8;
  b.sformCode = 1;
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) b.srow[r][c] = (r < 2 ? -1 : 1) * g.direction[r * 3 + c] * g.spacing[c];
    b.srow[r][3] = (r < 2 ? -1 : 1) * g.origin[r];
  }
  return b;
}

core::Geometry obliqueGrid() {
  core::Geometry g;
  g.size = {22, 19, 14};
  g.spacing = {1.25, 1.5, 2.0};
  g.origin = {-17.5, 8.25, -40.0};
  const double a = 20 * M_PI / 180;
  g.direction = {std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
  return g;
}

TEST_F(NiftiInputTest, ScaledFileSegmentsToTheSameMaskAsTheUnscaledFile) {
  test::writeTinyModelFile(path("tiny.aunet"), 5, {1.5, 1.5, 1.5});
  const core::Phantom phantom = core::Phantom::ellipsoids(obliqueGrid(), 3);
  std::vector<int16_t> raw;
  std::vector<float> scaled;
  for (float v : phantom.image.voxels()) {
    raw.push_back(static_cast<int16_t>(std::lround(v * 4.0f)));
    scaled.push_back(static_cast<float>(0.25 * raw.back() - 1024.0));
  }
  fs::create_directories(dir_ / "in");
  NiftiFileBuilder stored = sformOnly(phantom.image.geometry(), 1);
  stored.setValues(raw);
  stored.sclSlope = 0.25;
  stored.sclInter = -1024.0;
  stored.write(path("in/scaled.nii.gz"));
  NiftiFileBuilder plain = sformOnly(phantom.image.geometry(), 1);
  plain.datatype = 16;
  plain.bitpix = 32;
  plain.setValues(scaled);
  plain.write(path("in/plain.nii.gz"));

  SegmentOptions o;
  o.model = path("tiny.aunet");
  o.inputs = {path("in")};
  o.outputDir = path("out");
  o.device = "cpu";
  o.progress = "none";
  std::ostringstream out;
  ASSERT_EQ(runSegmentCommand(o, out), 0) << out.str();
  const core::LabelMap a = io::readLabelMap(path("out/scaled.nii.gz"));
  const core::LabelMap b = io::readLabelMap(path("out/plain.nii.gz"));
  EXPECT_EQ(a.labels(), b.labels());
  EXPECT_TRUE(a.geometry().sameGrid(io::readImage(path("in/scaled.nii.gz")).geometry()));
}

TEST_F(NiftiInputTest, FourDFileIsChannelsOrANamedError) {
  const core::Geometry g = obliqueGrid();
  const core::Phantom phantom = core::Phantom::ellipsoids(g, 4);
  // Two contrasts of one anatomy, as a Decathlon file holds them.
  std::vector<float> twoVolumes = phantom.image.voxels();
  for (float v : phantom.image.voxels()) twoVolumes.push_back(300.0f - v);
  NiftiFileBuilder b = sformOnly(g, 2);
  b.datatype = 16;
  b.bitpix = 32;
  b.setValues(twoVolumes);
  b.write(path("two.nii.gz"));

  // A two-channel model takes it as it is: the same result as the channels stacked by hand.
  torch::manual_seed(3);
  model::AttentionUNet net(model::AttentionUNetOptions(3, 2, 2).channels({4, 8}));
  model::ModelMetadata meta;
  meta.labels = model::LabelInfo::defaults(2);
  meta.plan.orientation = "RAI";
  meta.plan.patch_size = {16, 16, 16};
  meta.plan.normalization.scheme = "zscore";
  model::ModelFile::save(path("two-channel.aunet"), net, meta);
  pipeline::SegmentationPipeline twoChannel(path("two-channel.aunet"));
  model::SegmentationSettings settings;
  settings.device = "cpu";
  const core::Volume fourD = io::readImage(path("two.nii.gz"));
  core::Volume stacked(fourD.geometry(), 2);
  std::copy(twoVolumes.begin(), twoVolumes.end(), stacked.data());
  EXPECT_EQ(twoChannel.segment(fourD, settings).labels.labels(), twoChannel.segment(stacked, settings).labels.labels());

  // A one-channel model names the 4th axis; with time units, it says time.
  test::writeTinyModelFile(path("one-channel.aunet"), 5);
  pipeline::SegmentationPipeline oneChannel(path("one-channel.aunet"));
  try {
    oneChannel.segment(fourD, settings);
    FAIL() << "a 4D file was segmented by a one-channel model";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("two.nii.gz: is a 4D image of 2 volumes along its 4th axis (time, 2 s apart), "
                                         "but the model expects 1 channel(s); pick one volume with `aunet convert --volume K`"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(NiftiInputTest, ConvertWritesOneVolumeOfAFourDFile) {
  const core::Geometry g = obliqueGrid();
  std::vector<int16_t> values;
  for (int t = 0; t < 3; ++t)
    for (int64_t i = 0; i < g.voxelCount(); ++i) values.push_back(static_cast<int16_t>(100 * t + i % 50));
  NiftiFileBuilder b = sformOnly(g, 3);
  b.setValues(values);
  b.write(path("three.nii"));
  ConvertOptions o;
  o.input = path("three.nii");
  o.output = path("second.nrrd");
  o.volume = 1;
  std::ostringstream out;
  ASSERT_EQ(runConvertCommand(o, out), 0);
  const core::Volume second = io::readImage(path("second.nrrd"));
  ASSERT_EQ(second.channels(), 1);
  EXPECT_EQ(second.originalType(), core::PixelType::Int16);
  for (int64_t i = 0; i < g.voxelCount(); i += 97) EXPECT_EQ(second.data()[i], static_cast<float>(100 + i % 50));
  EXPECT_TRUE(second.geometry().sameGrid(io::readImage(path("three.nii")).geometry()));

  o.volume = 3;
  o.output = path("fourth.nrrd");
  try {
    runConvertCommand(o, out);
    FAIL() << "--volume 3 of a 3-volume file was accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--volume 3: the image has 3 volume(s) or channel(s), numbered 0 to 2"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(path("fourth.nrrd")));
}

TEST_F(NiftiInputTest, DecathlonFourDDatasetTrainsOnTheSameCases) {
  io::test::PhantomDatasetSpec spec;
  spec.cases = 2;
  spec.channels = {"T1", "T2"};
  io::test::writePhantomDataset(dir_ / "perchannel", spec);
  // The same cases as the Decathlon stores them: imagesTr/<case>.nii.gz, 4D.
  fs::create_directories(dir_ / "fourd" / "imagesTr");
  fs::copy(dir_ / "perchannel" / "labelsTr", dir_ / "fourd" / "labelsTr");
  fs::copy_file(dir_ / "perchannel" / "dataset.json", dir_ / "fourd" / "dataset.json");
  const io::NnUNetDataset perChannel = io::NnUNetDataset::load((dir_ / "perchannel").string());
  ASSERT_FALSE(perChannel.channelsInOneFile);
  for (const auto& c : perChannel.training) {
    const core::Volume image = io::readCaseImage(c);
    NiftiFileBuilder b = sformOnly(image.geometry(), 2);
    b.datatype = 16;
    b.bitpix = 32;
    b.setValues(image.voxels());
    b.write((dir_ / "fourd" / "imagesTr" / (c.id + ".nii.gz")).string());
  }
  const io::NnUNetDataset fourD = io::NnUNetDataset::load((dir_ / "fourd").string());
  ASSERT_TRUE(fourD.channelsInOneFile);
  ASSERT_EQ(fourD.training.size(), perChannel.training.size());
  EXPECT_TRUE(pipeline::checkDataset(fourD).problems.empty()) << ::testing::PrintToString(pipeline::checkDataset(fourD).problems);

  model::TrainingPlan plan;
  plan.spatial_dims = 3;
  plan.preprocessing.orientation = "RAI";
  plan.preprocessing.target_spacing = {1.2, 1.2, 2.2};
  plan.preprocessing.normalization.scheme = "zscore";
  for (size_t i = 0; i < fourD.training.size(); ++i) {
    const pipeline::TrainingCase a = pipeline::preprocessTrainingCase(perChannel.training[i], plan);
    const pipeline::TrainingCase b = pipeline::preprocessTrainingCase(fourD.training[i], plan);
    ASSERT_EQ(a.image.channels(), 2);
    ASSERT_EQ(b.image.channels(), 2);
    EXPECT_TRUE(a.image.geometry().sameGrid(b.image.geometry(), 1e-5));
    ASSERT_EQ(a.image.voxels().size(), b.image.voxels().size());
    double worst = 0;
    for (size_t v = 0; v < a.image.voxels().size(); ++v)
      worst = std::max(worst, static_cast<double>(std::abs(a.image.voxels()[v] - b.image.voxels()[v])));
    EXPECT_LT(worst, 1e-3) << fourD.training[i].id;
    EXPECT_EQ(a.labels.labels(), b.labels.labels());
  }

  // A 4D file with fewer volumes than dataset.json's channels is a problem check-dataset names.
  NiftiFileBuilder one = sformOnly(io::readCaseImage(perChannel.training[0]).geometry(), 1);
  one.datatype = 16;
  one.bitpix = 32;
  one.setValues(std::vector<float>(static_cast<size_t>(io::readCaseImage(perChannel.training[0]).geometry().voxelCount()), 1.0f));
  one.write((dir_ / "fourd" / "imagesTr" / (fourD.training[0].id + ".nii.gz")).string());
  const auto report = pipeline::checkDataset(io::NnUNetDataset::load((dir_ / "fourd").string()));
  ASSERT_FALSE(report.problems.empty());
  EXPECT_NE(report.problems[0].find("holds 1 volume(s), but dataset.json names 2 channel(s)"), std::string::npos)
      << report.problems[0];
}

}  // namespace
}  // namespace aunet::app
