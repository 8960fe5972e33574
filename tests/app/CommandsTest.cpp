// The CLI commands run in-process: `info` on a saved model, `demo` end to end on a
// small phantom (outputs on the input grid, attention maps in [0, 1], a loadable model).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/DemoCommand.h"
#include "app/commands/InfoCommand.h"
#include "io/ImageReader.h"
#include "core/Error.h"
#include "model/ModelFile.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

class CommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aunet-app-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(CommandsTest, InfoPrintsArchitectureLabelsAndParameterCount) {
  model::AttentionUNet net(model::AttentionUNetOptions(2, 1, 3).channels({4, 8, 16}));
  model::ModelMetadata meta;
  meta.description = "info test";
  meta.labels = model::LabelInfo::defaults(3);
  meta.labels[2].name = "tumour";
  meta.provenance.dataset = "Dataset007_Info";
  const std::string path = (dir_ / "m.aunet").string();
  model::ModelFile::save(path, net, meta);

  std::ostringstream out;
  EXPECT_EQ(runInfoCommand({path, false}, out), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("2D Attention U-Net"), std::string::npos) << text;
  EXPECT_NE(text.find("tumour"), std::string::npos) << text;
  EXPECT_NE(text.find("Dataset007_Info"), std::string::npos) << text;
  EXPECT_NE(text.find(std::to_string(net->parameter_count())), std::string::npos) << text;

  std::ostringstream json;
  runInfoCommand({path, true}, json);
  EXPECT_EQ(nlohmann::json::parse(json.str()).at("parameter_count").get<int64_t>(), net->parameter_count());
}

TEST_F(CommandsTest, InfoOnABrokenFileThrowsWithThePath) {
  const std::string path = (dir_ / "broken.aunet").string();
  std::ofstream(path) << "AUNETMDL and then nothing useful";
  std::ostringstream out;
  try {
    runInfoCommand({path, false}, out);
    FAIL() << "broken model accepted";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path, 0), 0u) << e.what();
  }
}

TEST_F(CommandsTest, DemoWritesAlignedOutputsAndALoadableModel) {
  DemoOptions options;
  options.outputDir = (dir_ / "demo").string();
  options.device = "cpu";
  options.size = 32;
  options.fitSteps = 2;
  std::ostringstream out;
  ASSERT_EQ(runDemoCommand(options, out), 0);
  EXPECT_NE(out.str().find("NOTE"), std::string::npos);

  const core::Volume image = io::readImage(options.outputDir + "/image.nii.gz");
  const core::LabelMap mask = io::readLabelMap(options.outputDir + "/mask.nii.gz");
  EXPECT_TRUE(mask.geometry().sameGrid(image.geometry())) << mask.geometry().describe() << " vs "
                                                          << image.geometry().describe();
  EXPECT_LE(mask.maxLabel(), 2);
  // The demo grid is rotated 10 degrees: the written files must keep it.
  EXPECT_NEAR(image.geometry().direction[1], -std::sin(10.0 * M_PI / 180.0), 1e-6);

  const auto report = nlohmann::json::parse(std::ifstream(options.outputDir + "/report.json"));
  ASSERT_EQ(report.at("attention_files").size(), 3u);
  for (const auto& name : report.at("attention_files")) {
    const core::Volume alpha = io::readImage(options.outputDir + "/" + name.get<std::string>());
    EXPECT_TRUE(alpha.geometry().sameGrid(image.geometry()));
    const auto [lo, hi] = std::minmax_element(alpha.voxels().begin(), alpha.voxels().end());
    EXPECT_GE(*lo, 0.0f);
    EXPECT_LE(*hi, 1.0f);
  }
  const model::LoadedModel loaded = model::ModelFile::load(options.outputDir + "/demo.aunet");
  EXPECT_EQ(loaded.metadata.labels.at(1).name, "ellipsoid");
  EXPECT_NE(loaded.metadata.description.find("Demonstration only"), std::string::npos);
  // Nothing but final names in the folder.
  for (const auto& entry : fs::directory_iterator(options.outputDir))
    EXPECT_NE(entry.path().filename().string().front(), '.') << entry.path();
}

}  // namespace
}  // namespace aunet::app
