// Hints are keyed on the reasons the layers really throw: each test provokes the error
// through the code that raises it, then checks the hint main() would print.

#include <gtest/gtest.h>

#include "tests/support/SharedData.h"
#include "tests/app/TinyModelFile.h"
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "app/commands/ErrorHint.h"
#include "app/commands/SegmentCommand.h"
#include "io/NnUNetDataset.h"
#include "core/Error.h"
#include "model/ModelFile.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

// The kind of the core::Error that f throws: hints depend on it, never on wording.
core::ErrorKind kindOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no core::Error thrown";
  return core::ErrorKind::General;
}

class ErrorHintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aunet-hint-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "models");
    std::ofstream(dir_ / "models" / "kidney.aunet") << "x";
    ::setenv("AUNET_MODEL_PATH", (dir_ / "models").c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("AUNET_MODEL_PATH");
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(ErrorHintTest, AMissingModelNamesTheInstalledModelsAndTheirFolder) {
  const std::string hint = errorHint(kindOf([&] { model::ModelFile::load((dir_ / "missing.aunet").string()); }));
  EXPECT_NE(hint.find("name of an installed model"), std::string::npos) << hint;
  EXPECT_NE(hint.find("usable by name (e.g. -m "), std::string::npos) << hint;
  EXPECT_NE(hint.find("kidney"), std::string::npos) << hint;
  EXPECT_NE(hint.find((dir_ / "models").string()), std::string::npos) << hint;
}

TEST_F(ErrorHintTest, AMissingDatasetOrDatasetJsonExplainsTheLayout) {
  for (const fs::path& folder : {dir_ / "no-such-dataset", dir_ / "models"}) {
    const std::string hint = errorHint(kindOf([&] { io::NnUNetDataset::load(folder.string()); }));
    EXPECT_NE(hint.find("dataset.json, imagesTr/"), std::string::npos) << folder << " -> " << hint;
  }
}

TEST_F(ErrorHintTest, SegmentWithoutImagesListsWhatInputsCanBe) {
  fs::create_directories(dir_ / "empty");
  SegmentOptions options;
  options.model = (dir_ / "models" / "kidney.aunet").string();
  options.inputs = {(dir_ / "empty").string()};
  options.outputDir = (dir_ / "out").string();
  options.device = "cpu";
  options.quiet = true;
  std::ostringstream out;
  EXPECT_NE(errorHint(kindOf([&] { runSegmentCommand(options, out); })).find("DICOM folders"), std::string::npos);
}

// A DICOM series with a gap fails its case with the hint that names the flag, and
// reads with --allow-uneven-slices.
TEST_F(ErrorHintTest, UnevenDicomSeriesNamesTheFlagThatReadsIt) {
  const fs::path shared = fs::path(AUNET_SOURCE_DIR) / ".." / "shared" / "data" / "monai-testing" / "CT_DICOM";
  if (!fs::is_directory(shared)) AUNET_SHARED_MISSING("shared data not found: " << shared);
  test::writeTinyModelFile((dir_ / "tiny.aunet").string(), 3);
  SegmentOptions options;
  options.model = (dir_ / "tiny.aunet").string();
  options.inputs = {shared.string()};
  options.outputDir = (dir_ / "out").string();
  options.device = "cpu";
  options.quiet = true;
  std::ostringstream out;
  EXPECT_EQ(runSegmentCommand(options, out), 1);
  const nlohmann::json summary = nlohmann::json::parse(std::ifstream(dir_ / "out" / "summary.json"));
  ASSERT_EQ(summary["cases"].size(), 1u);
  EXPECT_EQ(summary["cases"][0]["status"], "failed");
  EXPECT_NE(summary["cases"][0]["hint"].get<std::string>().find("--allow-uneven-slices"), std::string::npos);
  options.allowUnevenSlices = true;
  EXPECT_EQ(runSegmentCommand(options, out), 0) << out.str();
}

TEST_F(ErrorHintTest, ErrorsWithoutAKnownFixGetNoHint) {
  EXPECT_EQ(errorHint(core::ErrorKind::General), "");
  EXPECT_EQ(errorHint(kindOf([&] { throw core::Error("x.nii.gz", "cannot read the image"); })), "");
}

}  // namespace
}  // namespace aunet::app
