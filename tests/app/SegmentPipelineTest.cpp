// End to end `aunet segment` and the pipeline behind it, with tiny networks: outputs
// lie exactly on the input's grid whatever its orientation and spacing (and on the
// right voxels: permuted copies of one image give permuted results), 2D PNG and
// DICOM inputs, a corrupt file in a batch, resuming, determinism, bad channels.

#include <gtest/gtest.h>

#include "tests/support/SharedData.h"
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "app/commands/CaseCollector.h"
#include "app/commands/SegmentCommand.h"
#include "pipeline/SegmentationPipeline.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "imaging/ColourLuminance.h"
#include "imaging/Reorientation.h"
#include "core/Cancelled.h"
#include "core/Error.h"
#include "core/Phantom.h"
#include "model/AttentionUNet.h"
#include "model/ModelFile.h"
#include "tests/app/TinyModelFile.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

core::Geometry grid(core::Index3 size, core::Vec3 spacing, core::Mat3 direction = {1, 0, 0, 0, 1, 0, 0, 0, 1}) {
  core::Geometry g;
  g.size = size;
  g.spacing = spacing;
  g.origin = {-17.5, 8.25, -40.0};
  g.direction = direction;
  return g;
}

core::Mat3 oblique() {  // 25 degrees about z, then 15 degrees about x
  const double a = 25 * M_PI / 180, b = 15 * M_PI / 180;
  const core::Mat3 rz{std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
  const core::Mat3 rx{1, 0, 0, 0, std::cos(b), -std::sin(b), 0, std::sin(b), std::cos(b)};
  core::Mat3 m{};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      for (int k = 0; k < 3; ++k) m[r * 3 + c] += rx[r * 3 + k] * rz[k * 3 + c];
  return m;
}

// An 8-bit gray PNG written by hand (the io layer reads PNG but does not write it).
void writeGrayPng(const std::string& path, const std::vector<uint8_t>& pixels, uint32_t width, uint32_t height) {
  auto be32 = [](std::string& s, uint32_t v) {
    for (int b = 3; b >= 0; --b) s.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
  };
  auto chunk = [&](std::string& out, const char* type, const std::string& data) {
    be32(out, static_cast<uint32_t>(data.size()));
    const std::string body = std::string(type, 4) + data;
    out += body;
    be32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
  };
  std::string raw;
  for (uint32_t y = 0; y < height; ++y) {
    raw.push_back('\0');  // filter: none
    raw.append(reinterpret_cast<const char*>(pixels.data()) + y * width, width);
  }
  uLongf packedSize = compressBound(raw.size());
  std::string packed(packedSize, '\0');
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(packed.data()), &packedSize, reinterpret_cast<const Bytef*>(raw.data()),
                     raw.size()),
            Z_OK);
  packed.resize(packedSize);
  std::string ihdr;
  be32(ihdr, width);
  be32(ihdr, height);
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8 bit, gray, deflate, no filter, no interlace
  std::string png = "\x89PNG\r\n\x1a\n";
  chunk(png, "IHDR", ihdr);
  chunk(png, "IDAT", packed);
  chunk(png, "IEND", "");
  std::ofstream(path, std::ios::binary) << png;
}

class SegmentPipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("aunet-segment-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    torch::manual_seed(11);

    // Randomly initialized: only geometry matters here (see the orientation test).
    model::AttentionUNet net3(model::AttentionUNetOptions(3, 1, 3).channels({4, 8, 16}));
    net3->eval();
    model::ModelMetadata meta;
    meta.labels = model::LabelInfo::defaults(3);
    meta.labels[1].name = "organ";
    meta.labels[2].name = "lesion";
    meta.plan.orientation = "RAI";
    meta.plan.target_spacing = {1.5, 1.5, 1.5};
    meta.plan.patch_size = {16, 16, 16};
    meta.plan.normalization.scheme = "zscore";
    meta.plan.keep_largest_component = {1};
    model3d_ = (root_ / "tiny3d.aunet").string();
    model::ModelFile::save(model3d_, net3, meta);

    model::AttentionUNet net2(model::AttentionUNetOptions(2, 1, 2).channels({4, 8, 16}));
    model::ModelMetadata meta2;
    meta2.labels = model::LabelInfo::defaults(2);
    meta2.plan.orientation = "";
    meta2.plan.patch_size = {32, 32};
    model2d_ = (root_ / "tiny2d.aunet").string();
    model::ModelFile::save(model2d_, net2, meta2);
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  void SetUp() override {
    dir_ = root_ / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  SegmentOptions options(std::vector<std::string> inputs, const std::string& out) const {
    SegmentOptions o;
    o.model = model3d_;
    o.inputs = std::move(inputs);
    o.outputDir = out;
    o.device = "cpu";
    o.progress = "none";
    return o;
  }

  static inline fs::path root_;
  static inline std::string model3d_, model2d_;
  fs::path dir_;
};

TEST_F(SegmentPipelineTest, OutputsLieOnTheInputGridInEveryOrientationAndSpacing) {
  // The same voxels stored in other axis orders (exact permutations of one image) reach
  // the network identically, so their probabilities, permuted back, must equal the
  // reference's exactly: a flipped or shifted mapping back to the input grid cannot.
  struct Case {
    std::string name;
    core::Volume image;
    std::string referenceCode;  // non-empty: a permutation of the case named "<ref>"
  };
  const core::Volume lps = core::Phantom::ellipsoids(grid({20, 18, 16}, {1.5, 1.5, 1.5}), 3).image;
  const core::Volume obl = core::Phantom::ellipsoids(grid({20, 18, 16}, {1.5, 1.5, 1.5}, oblique()), 4).image;
  std::vector<Case> cases{
      {"lps", lps, ""},
      {"ras", imaging::reorient(lps, "LPI"), "lps"},
      {"permuted", imaging::reorient(lps, "SAL"), "lps"},
      {"oblique", obl, ""},
      {"oblique_flipped", imaging::reorient(obl, "LAS"), "oblique"},
      {"anisotropic", core::Phantom::ellipsoids(grid({30, 24, 8}, {1.0, 1.1, 3.2}, {-1, 0, 0, 0, 1, 0, 0, 0, -1}), 5).image, ""},
  };
  std::vector<std::string> inputs;
  for (auto& c : cases) {
    inputs.push_back(path(c.name + ".nii.gz"));
    io::writeImage(c.image, inputs.back());
  }
  SegmentOptions o = options(inputs, path("out"));
  o.saveProbabilities = true;
  o.saveAttention = true;
  std::ostringstream out;
  ASSERT_EQ(runSegmentCommand(o, out), 0) << out.str();

  std::map<std::string, core::Volume> probabilities;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const core::Volume image = io::readImage(path(c.name + ".nii.gz"));
    const core::LabelMap mask = io::readLabelMap(path("out/" + c.name + ".nii.gz"));
    EXPECT_TRUE(mask.geometry().sameGrid(image.geometry())) << mask.geometry().describe() << " vs "
                                                            << image.geometry().describe();
    EXPECT_LE(mask.maxLabel(), 2);
    core::Volume prob = io::readImage(path("out/" + c.name + "_prob.nii.gz"));
    EXPECT_TRUE(prob.geometry().sameGrid(image.geometry()));
    ASSERT_EQ(prob.channels(), 3);
    for (int64_t v = 0; v < image.geometry().voxelCount(); v += 97)
      EXPECT_NEAR(prob.channel(0)[v] + prob.channel(1)[v] + prob.channel(2)[v], 1.0f, 1e-4);
    const core::Volume alpha = io::readImage(path("out/" + c.name + "_attention_level1.nii.gz"));
    EXPECT_TRUE(alpha.geometry().sameGrid(image.geometry()));
    const auto [lo, hi] = std::minmax_element(alpha.voxels().begin(), alpha.voxels().end());
    EXPECT_GE(*lo, 0.0f);
    EXPECT_LE(*hi, 1.0f);
    if (!c.referenceCode.empty()) {
      const core::Volume& reference = probabilities.at(c.referenceCode);
      const core::Volume back = imaging::reorient(prob, reference.geometry().orientationCode());
      ASSERT_TRUE(back.geometry().sameGrid(reference.geometry()));
      float maxDifference = 0.0f;
      for (size_t v = 0; v < back.voxels().size(); ++v)
        maxDifference = std::max(maxDifference, std::abs(back.voxels()[v] - reference.voxels()[v]));
      EXPECT_LT(maxDifference, 1e-5f);
    }
    probabilities.emplace(c.name, std::move(prob));
  }
  const auto summary = nlohmann::json::parse(std::ifstream(path("out/summary.json")));
  EXPECT_TRUE(summary.at("finished").get<bool>());
  EXPECT_EQ(summary.at("counts").at("done").get<int>(), static_cast<int>(cases.size()));
  const auto labels = nlohmann::json::parse(std::ifstream(path("out/labels.json")));
  EXPECT_EQ(labels.at(1).at("name"), "organ");
  for (const auto& entry : fs::directory_iterator(path("out")))
    EXPECT_NE(entry.path().filename().string().front(), '.') << entry.path();
}

TEST_F(SegmentPipelineTest, CorruptFileFailsAloneAndRerunsSkipFinishedCases) {
  const std::string good1 = path("a.nii.gz"), good2 = path("c.nrrd"), bad = path("b.nii.gz");
  io::writeImage(core::Phantom::ellipsoids(grid({20, 20, 16}, {1.5, 1.5, 1.5}), 1).image, good1);
  io::writeImage(core::Phantom::ellipsoids(grid({18, 20, 16}, {1.5, 1.5, 1.5}), 2).image, good2);
  std::ofstream(bad, std::ios::binary) << "definitely not a gzip-compressed NIfTI file";
  // Through a list file, with a relative path and a comment.
  std::ofstream(path("list.txt")) << "# cases\na.nii.gz\n" << bad << "\n\n" << good2 << "\n";

  std::ostringstream out;
  EXPECT_EQ(runSegmentCommand(options({path("list.txt")}, path("out")), out), 1);
  EXPECT_NE(out.str().find("FAILED b"), std::string::npos) << out.str();
  EXPECT_TRUE(fs::exists(path("out/a.nii.gz")));
  EXPECT_TRUE(fs::exists(path("out/c.nii.gz")));
  EXPECT_FALSE(fs::exists(path("out/b.nii.gz")));
  auto summary = nlohmann::json::parse(std::ifstream(path("out/summary.json")));
  ASSERT_EQ(summary.at("cases").size(), 3u);
  EXPECT_EQ(summary["cases"][0]["status"], "done");
  EXPECT_EQ(summary["cases"][1]["status"], "failed");
  EXPECT_NE(summary["cases"][1]["error"].get<std::string>().find(bad), std::string::npos);
  EXPECT_EQ(summary["cases"][2]["status"], "done");
  EXPECT_EQ(summary["counts"]["failed"], 1);

  const auto written = fs::last_write_time(path("out/a.nii.gz"));
  std::ostringstream again;
  EXPECT_EQ(runSegmentCommand(options({path("list.txt")}, path("out")), again), 1);
  summary = nlohmann::json::parse(std::ifstream(path("out/summary.json")));
  EXPECT_EQ(summary["cases"][0]["status"], "skipped");
  EXPECT_EQ(summary["cases"][2]["status"], "skipped");
  EXPECT_EQ(summary["cases"][1]["status"], "failed");
  EXPECT_EQ(fs::last_write_time(path("out/a.nii.gz")), written);

  SegmentOptions o = options({good1}, path("out"));
  o.overwrite = true;
  std::ostringstream third;
  EXPECT_EQ(runSegmentCommand(o, third), 0);
  summary = nlohmann::json::parse(std::ifstream(path("out/summary.json")));
  EXPECT_EQ(summary["cases"][0]["status"], "done");
}

// --device cuda:all's work queue, with two CPU workers (--device cpu,cpu): every case
// is segmented once, by either worker, with the masks one worker gives, and a failing
// case fails alone.
TEST_F(SegmentPipelineTest, TwoDeviceWorkersShareTheCasesAndGiveTheSameMasks) {
  std::vector<std::string> inputs;
  for (int i = 0; i < 5; ++i) {
    inputs.push_back(path("case" + std::to_string(i) + ".nii.gz"));
    io::writeImage(core::Phantom::ellipsoids(grid({20, 18, 16}, {1.5, 1.5, 1.5}), 10 + i).image, inputs.back());
  }
  inputs.push_back(path("broken.nii.gz"));
  std::ofstream(inputs.back(), std::ios::binary) << "not a NIfTI file";
  std::ostringstream one, two;
  EXPECT_EQ(runSegmentCommand(options(inputs, path("one")), one), 1) << one.str();
  SegmentOptions o = options(inputs, path("two"));
  o.device = "cpu,cpu";
  EXPECT_EQ(runSegmentCommand(o, two), 1) << two.str();
  const auto summary = nlohmann::json::parse(std::ifstream(path("two/summary.json")));
  ASSERT_EQ(summary["cases"].size(), 6u);
  EXPECT_EQ(summary["counts"]["done"], 5);
  EXPECT_EQ(summary["counts"]["failed"], 1);
  EXPECT_EQ(summary["cases"][5]["status"], "failed");
  ASSERT_TRUE(summary["device_used"].is_array());
  EXPECT_EQ(summary["device_used"].size(), 2u);
  EXPECT_TRUE(summary["finished"].get<bool>());
  for (int i = 0; i < 5; ++i) {
    const std::string name = "case" + std::to_string(i) + ".nii.gz";
    EXPECT_EQ(summary["cases"][static_cast<size_t>(i)]["status"], "done");
    EXPECT_EQ(io::readLabelMap(path("one/" + name)).labels(), io::readLabelMap(path("two/" + name)).labels()) << name;
  }
  // A device list is checked before any work.
  o.device = "cpu,gpu7";
  std::ostringstream bad;
  EXPECT_THROW(runSegmentCommand(o, bad), core::Error);
}

TEST_F(SegmentPipelineTest, TwoRunsGiveIdenticalMasks) {
  core::Volume image = core::Phantom::ellipsoids(grid({20, 17, 14}, {1.2, 1.7, 2.0}, oblique()), 5).image;
  image.metadata().sourcePath = "phantom";
  pipeline::SegmentationPipeline pipeline(model3d_);
  model::SegmentationSettings settings;
  settings.device = "cpu";
  settings.testTimeAugmentation = true;
  const auto first = pipeline.segment(image, settings);
  const auto second = pipeline.segment(image, settings);
  EXPECT_TRUE(first.labels.geometry().sameGrid(image.geometry()));
  EXPECT_EQ(first.labels.labels(), second.labels.labels());
  EXPECT_GT(first.networkSeconds, 0.0);
}

// --precision: bf16 autocast (the CUDA default) also runs on the CPU and stays close
// to fp32; fp16 needs CUDA and is refused before any work.
TEST_F(SegmentPipelineTest, PrecisionSettingChangesOnlyTheArithmetic) {
  const core::Volume image = core::Phantom::ellipsoids(grid({20, 18, 16}, {1.5, 1.5, 1.5}), 3).image;
  pipeline::SegmentationPipeline pipeline(model3d_);
  model::SegmentationSettings settings;
  settings.device = "cpu";
  settings.withProbabilities = true;
  settings.precision = "off";
  const auto fp32 = pipeline.segment(image, settings);
  settings.precision = "bf16";
  const auto bf16 = pipeline.segment(image, settings);
  ASSERT_EQ(fp32.probabilities.voxels().size(), bf16.probabilities.voxels().size());
  double maxDifference = 0.0, different = 0.0;
  for (size_t i = 0; i < fp32.probabilities.voxels().size(); ++i)
    maxDifference = std::max<double>(maxDifference, std::abs(fp32.probabilities.voxels()[i] - bf16.probabilities.voxels()[i]));
  for (size_t i = 0; i < fp32.labels.labels().size(); ++i) different += fp32.labels.labels()[i] != bf16.labels.labels()[i];
  EXPECT_GT(maxDifference, 0.0) << "bf16 autocast did not change the arithmetic at all";
  EXPECT_LT(maxDifference, 0.1);
  EXPECT_LT(different / static_cast<double>(fp32.labels.labels().size()), 0.05);

  settings.precision = "fp16";
  try {
    pipeline.segment(image, settings);
    FAIL() << "fp16 on the CPU was accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("fp16 needs a CUDA device"), std::string::npos) << e.what();
  }
}

TEST_F(SegmentPipelineTest, ProgressAndCancellation) {
  const core::Volume image = core::Phantom::ellipsoids(grid({30, 30, 30}, {1.5, 1.5, 1.5}), 6).image;
  pipeline::SegmentationPipeline pipeline(model3d_);
  model::SegmentationSettings settings;
  settings.device = "cpu";
  settings.batch = 1;
  std::vector<double> fractions;
  pipeline.segment(image, settings, [&](double f, const std::string&) { fractions.push_back(f); });
  ASSERT_GE(fractions.size(), 3u);
  EXPECT_TRUE(std::is_sorted(fractions.begin(), fractions.end()));
  EXPECT_DOUBLE_EQ(fractions.back(), 1.0);

  core::CancellationToken token;
  EXPECT_THROW(pipeline.segment(
                   image, settings,
                   [&](double f, const std::string& stage) {
                     if (stage == "inference" && f > 0.2) token.cancel();
                   },
                   &token),
               core::Cancelled);
}

TEST_F(SegmentPipelineTest, WrongChannelCountNamesTheImage) {
  core::Volume image(grid({16, 16, 16}, {1.5, 1.5, 1.5}), 2);
  image.metadata().sourcePath = "/data/two-channels.nii.gz";
  pipeline::SegmentationPipeline pipeline(model3d_);
  try {
    pipeline.segment(image, {});
    FAIL() << "a 2-channel image was accepted by a 1-channel model";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("/data/two-channels.nii.gz: has 2 channel(s), the model expects 1"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(SegmentPipelineTest, PngInputWithA2DModel) {
  const core::Phantom phantom = core::Phantom::ellipsoids(grid({45, 38, 1}, {1, 1, 1}), 4);
  std::vector<uint8_t> pixels(phantom.image.voxels().size());
  for (size_t v = 0; v < pixels.size(); ++v)
    pixels[v] = static_cast<uint8_t>(std::clamp(phantom.image.voxels()[v], 0.0f, 255.0f));
  writeGrayPng(path("slice.png"), pixels, 45, 38);
  SegmentOptions o = options({path("slice.png")}, path("out"));
  o.model = model2d_;
  o.tta = true;
  std::ostringstream out;
  ASSERT_EQ(runSegmentCommand(o, out), 0) << out.str();
  const core::Volume image = io::readImage(path("slice.png"));
  const core::LabelMap mask = io::readLabelMap(path("out/slice.nii.gz"));
  EXPECT_TRUE(mask.geometry().sameGrid(image.geometry())) << mask.geometry().describe();
  EXPECT_LE(mask.maxLabel(), 1);
}

TEST_F(SegmentPipelineTest, DicomSeriesFolderInput) {
  const char* env = std::getenv("AUNET_SHARED_DATA");
  const fs::path data = env && *env ? fs::path(env) : fs::path(AUNET_SOURCE_DIR) / ".." / "shared" / "data";
  const fs::path series = data / "totalsegmentator-example" / "ct_dicom";
  if (!fs::is_directory(series)) AUNET_SHARED_MISSING("shared data not found (" << series << "); set AUNET_SHARED_DATA");
  // A coarse plan keeps the 512x512 slices cheap.
  model::LoadedModel loaded = model::ModelFile::load(model3d_);
  loaded.metadata.plan.target_spacing = {6.0, 6.0, 6.0};
  loaded.metadata.plan.normalization.scheme = "ct";
  loaded.metadata.plan.normalization.clip_low = {-1000};
  loaded.metadata.plan.normalization.clip_high = {1000};
  loaded.metadata.plan.normalization.mean = {0};
  loaded.metadata.plan.normalization.std = {500};
  const std::string coarse = path("coarse.aunet");
  model::ModelFile::save(coarse, loaded.network, loaded.metadata);

  SegmentOptions o = options({series.string()}, path("out"));
  o.model = coarse;
  o.stats = true;
  std::ostringstream out;
  ASSERT_EQ(runSegmentCommand(o, out), 0) << out.str();
  const core::Volume image = io::readImage(series.string());
  const core::LabelMap mask = io::readLabelMap(path("out/ct_dicom.nii.gz"));
  EXPECT_TRUE(mask.geometry().sameGrid(image.geometry())) << mask.geometry().describe() << " vs "
                                                          << image.geometry().describe();
  EXPECT_TRUE(fs::exists(path("out/ct_dicom_stats.json")));
  EXPECT_TRUE(fs::exists(path("out/statistics.csv")));
}

TEST_F(SegmentPipelineTest, CasesFromFoldersAreUniqueAndShardsPartitionThem) {
  fs::create_directories(path("in/sub"));
  const core::Volume v = core::Phantom::ellipsoids(grid({4, 4, 4}, {1, 1, 1}), 1).image;
  for (const char* name : {"in/x.nii.gz", "in/x.nrrd", "in/y z.mha", "in/sub/x.nii.gz"}) io::writeImage(v, path(name));
  std::ofstream(path("in/notes.json")) << "{}";
  const auto cases = CaseCollector::collect({path("in"), path("in/sub/x.nii.gz"), path("in/sub")});
  std::vector<std::string> names;
  for (const auto& c : cases) names.push_back(c.name);
  // in/ has images, so its subfolder is not searched; in/sub/x.nii.gz comes as
  // its own input and needs a new name; in/sub repeats it and is dropped.
  EXPECT_EQ(names, (std::vector<std::string>{"x", "x_2", "y_z", "x_3"}));

  size_t index = 0, count = 0;
  CaseCollector::parseShard("1/3", index, count);
  EXPECT_EQ(index, 1u);
  EXPECT_EQ(count, 3u);
  EXPECT_THROW(CaseCollector::parseShard("3/3", index, count), core::Error);
  EXPECT_THROW(CaseCollector::parseShard("a/3", index, count), core::Error);
  size_t total = 0;
  for (size_t s = 0; s < 3; ++s) total += CaseCollector::shard(cases, s, 3).size();
  EXPECT_EQ(total, cases.size());
  EXPECT_EQ(CaseCollector::shard(cases, 1, 3).at(0).name, "x_2");
}


TEST_F(SegmentPipelineTest, ColourImageForAOneChannelModelIsSegmentedAsItsLuminance) {
  const std::string modelPath = path("tiny.aunet");
  test::writeTinyModelFile(modelPath, 11);
  pipeline::SegmentationPipeline pipeline(modelPath);
  core::Geometry g;
  g.size = {20, 18, 12};
  core::Volume rgb(g, 3, core::PixelType::UInt8);
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        rgb.at(i, j, k, 0) = static_cast<float>((i * 13 + k * 7) % 256);
        rgb.at(i, j, k, 1) = static_cast<float>((j * 11) % 256);
        rgb.at(i, j, k, 2) = static_cast<float>((i + j + k) * 5 % 256);
      }
  rgb.metadata().photometricInterpretation = "RGB";
  const model::SegmentationResult colour = pipeline.segment(rgb, {});
  const model::SegmentationResult grey = pipeline.segment(imaging::luminance(rgb), {});
  EXPECT_EQ(colour.labels.labels(), grey.labels.labels());
  // Three channels that are not a colour image stay an error.
  rgb.metadata().photometricInterpretation.clear();
  EXPECT_THROW(pipeline.segment(rgb, {}), core::Error);
}

}  // namespace
}  // namespace aunet::app
