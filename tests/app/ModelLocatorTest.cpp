// Models by name: AUNET_MODEL_PATH first, then <executable>/../share/aunet/models; an
// existing path or one with a '/' is never looked up.

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "app/commands/ModelLocator.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

class ModelLocatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aunet-locator-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "first");
    fs::create_directories(dir_ / "second");
    if (const char* old = std::getenv("AUNET_MODEL_PATH")) saved_ = old;
    ::setenv("AUNET_MODEL_PATH", ((dir_ / "first").string() + ":" + (dir_ / "second").string()).c_str(), 1);
  }
  void TearDown() override {
    if (saved_) ::setenv("AUNET_MODEL_PATH", saved_->c_str(), 1);
    else ::unsetenv("AUNET_MODEL_PATH");
    fs::remove_all(dir_);
  }
  std::string touch(const fs::path& p) {
    std::ofstream(p) << "x";
    return p.string();
  }
  fs::path dir_;
  std::optional<std::string> saved_;
};

TEST_F(ModelLocatorTest, SearchPathIsTheVariableThenTheInstalledModelsFolder) {
  const auto dirs = ModelLocator::searchPath();
  ASSERT_EQ(dirs.size(), 3u);
  EXPECT_EQ(dirs[0], (dir_ / "first").string());
  EXPECT_EQ(dirs[1], (dir_ / "second").string());
  const std::string exeDir = ModelLocator::executableDir();
  ASSERT_FALSE(exeDir.empty());
  EXPECT_EQ(dirs[2], (fs::path(exeDir).parent_path() / "share" / "aunet" / "models").string());
}

TEST_F(ModelLocatorTest, FindsANameWithOrWithoutTheExtensionFirstFolderFirst) {
  const std::string inFirst = touch(dir_ / "first" / "liver.aunet");
  touch(dir_ / "second" / "liver.aunet");
  const std::string inSecond = touch(dir_ / "second" / "spleen.aunet");
  EXPECT_EQ(ModelLocator::resolve("liver"), inFirst);
  EXPECT_EQ(ModelLocator::resolve("liver.aunet"), inFirst);
  EXPECT_EQ(ModelLocator::resolve("spleen"), inSecond);
}

TEST_F(ModelLocatorTest, ExistingPathsPathsWithASlashAndUnknownNamesAreLeftAlone) {
  touch(dir_ / "first" / "liver.aunet");
  const std::string local = touch(dir_ / "liver");
  EXPECT_EQ(ModelLocator::resolve(local), local);
  EXPECT_EQ(ModelLocator::resolve("runs/liver"), "runs/liver");
  EXPECT_EQ(ModelLocator::resolve("no-such-model"), "no-such-model");
  EXPECT_EQ(ModelLocator::resolve(""), "");
  // A file in the working directory wins over a model folder.
  const fs::path cwd = fs::current_path();
  fs::current_path(dir_);
  EXPECT_EQ(ModelLocator::resolve("liver"), "liver");
  fs::current_path(cwd);
}

TEST_F(ModelLocatorTest, AvailableListsEachNameOnceSortedFirstFolderWinning) {
  const std::string liver = touch(dir_ / "first" / "liver.aunet");
  touch(dir_ / "second" / "liver.aunet");
  const std::string brain = touch(dir_ / "second" / "brain.aunet");
  touch(dir_ / "second" / "notes.txt");
  std::vector<std::pair<std::string, std::string>> found;
  for (const auto& entry : ModelLocator::available())
    if (entry.second.rfind(dir_.string(), 0) == 0) found.push_back(entry);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0], std::make_pair(std::string("brain"), brain));
  EXPECT_EQ(found[1], std::make_pair(std::string("liver"), liver));
}

}  // namespace
}  // namespace aunet::app
