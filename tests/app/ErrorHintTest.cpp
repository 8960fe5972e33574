// Hints are keyed on the reasons the layers really throw: each test provokes the error
// through the code that raises it, then checks the hint main() would print.

#include <gtest/gtest.h>

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

std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no core::Error thrown";
  return {};
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
  const std::string message = messageOf([&] { model::ModelFile::load((dir_ / "missing.aunet").string()); });
  const std::string hint = errorHint(message);
  EXPECT_NE(hint.find("name of an installed model"), std::string::npos) << hint;
  EXPECT_NE(hint.find("usable by name (e.g. -m "), std::string::npos) << hint;
  EXPECT_NE(hint.find("kidney"), std::string::npos) << hint;
  EXPECT_NE(hint.find((dir_ / "models").string()), std::string::npos) << hint;
}

TEST_F(ErrorHintTest, AMissingDatasetOrDatasetJsonExplainsTheLayout) {
  for (const fs::path& folder : {dir_ / "no-such-dataset", dir_ / "models"}) {
    const std::string message = messageOf([&] { io::NnUNetDataset::load(folder.string()); });
    const std::string hint = errorHint(message);
    EXPECT_NE(hint.find("dataset.json, imagesTr/"), std::string::npos) << message << " -> " << hint;
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
  const std::string message = messageOf([&] { runSegmentCommand(options, out); });
  EXPECT_NE(errorHint(message).find("DICOM folders"), std::string::npos) << message;
}

TEST_F(ErrorHintTest, ErrorsWithoutAKnownFixGetNoHint) {
  EXPECT_EQ(errorHint("x.nii.gz: cannot read the image"), "");
  EXPECT_EQ(errorHint(""), "");
}

}  // namespace
}  // namespace aunet::app
