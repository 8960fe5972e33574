// The .aunet model file: save/load gives the same network, and every kind of broken
// file is refused with a reason that names the file.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/Error.h"
#include "model/ModelFile.h"

namespace aunet::model {
namespace {

namespace fs = std::filesystem;

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aunet-modelfile-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    torch::manual_seed(3);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static AttentionUNet smallNetwork() {
    return AttentionUNet(AttentionUNetOptions(3, 2, 3).channels({4, 8, 16}).gated_levels({0, 1}).norm(Normalization::Batch));
  }
  static ModelMetadata metadata() {
    ModelMetadata m;
    m.description = "unit test model";
    m.labels = LabelInfo::defaults(3);
    m.labels[1].name = "liver";
    m.plan.target_spacing = {1.5, 1.5, 2.0};
    m.plan.patch_size = {32, 32, 16};
    m.plan.normalization.scheme = "ct";
    m.plan.normalization.mean = {40.0, 0.0};
    m.plan.normalization.std = {80.0, 1.0};
    m.plan.normalization.clip_low = {-200.0, -1.0};
    m.plan.normalization.clip_high = {300.0, 1.0};
    m.provenance.dataset = "Dataset042_Test";
    m.provenance.epochs = 12;
    m.provenance.validation_dice = 0.87;
    return m;
  }
  std::string saved() {
    auto net = smallNetwork();
    const std::string path = (dir_ / "model.aunet").string();
    ModelFile::save(path, net, metadata());
    return path;
  }
  static std::string bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void writeBytes(const std::string& path, const std::string& data) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  }
  // Runs `load` and returns the error message, failing the test if it succeeds.
  static std::string loadError(const std::string& path) {
    try {
      ModelFile::load(path);
    } catch (const core::Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "loading " << path << " should have failed";
    return {};
  }

  fs::path dir_;
};

TEST_F(ModelFileTest, SaveLoadGivesIdenticalOutputsAndMetadata) {
  auto net = smallNetwork();
  // Train-mode passes move the batch-norm running statistics away from their
  // defaults, so the test also proves buffers travel with the file.
  net->train();
  for (int i = 0; i < 3; ++i) net->forward(torch::randn({2, 2, 16, 16, 16}));
  net->eval();
  const std::string path = (dir_ / "model.aunet").string();
  ModelFile::save(path, net, metadata());

  LoadedModel loaded = ModelFile::load(path);
  const torch::Tensor x = torch::randn({1, 2, 20, 18, 16});
  torch::NoGradGuard noGrad;
  const torch::Tensor expected = net->forward(x);
  const torch::Tensor actual = loaded.network->forward(x);
  EXPECT_TRUE(torch::equal(expected, actual));
  EXPECT_FALSE(loaded.network->is_training());

  const ModelMetadata& m = loaded.metadata;
  EXPECT_EQ(m.description, "unit test model");
  ASSERT_EQ(m.labels.size(), 3u);
  EXPECT_EQ(m.labels[1].name, "liver");
  EXPECT_EQ(m.plan.patch_size, (std::vector<int64_t>{32, 32, 16}));
  EXPECT_EQ(m.plan.normalization.scheme, "ct");
  EXPECT_EQ(m.plan.normalization.clip_high, (std::vector<double>{300.0, 1.0}));
  EXPECT_EQ(m.provenance.dataset, "Dataset042_Test");
  ASSERT_TRUE(m.provenance.validation_dice.has_value());
  EXPECT_DOUBLE_EQ(*m.provenance.validation_dice, 0.87);
  EXPECT_EQ(loaded.network->options().channels(), (std::vector<int64_t>{4, 8, 16}));
  EXPECT_EQ(loaded.network->options().in_channels(), 2);
  EXPECT_EQ(loaded.network->options().norm(), Normalization::Batch);
  EXPECT_EQ(loaded.network->parameter_count(), net->parameter_count());
}

TEST_F(ModelFileTest, SavingLeavesOnlyTheFinalFile) {
  saved();
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"model.aunet"}));
}

TEST_F(ModelFileTest, SavingIntoAMissingFolderFailsAndWritesNothing) {
  auto net = smallNetwork();
  const std::string path = (dir_ / "no-such-folder" / "model.aunet").string();
  EXPECT_THROW(ModelFile::save(path, net, metadata()), core::Error);
  EXPECT_FALSE(fs::exists(dir_ / "no-such-folder"));
}

TEST_F(ModelFileTest, OverwritingKeepsAValidFile) {
  const std::string path = saved();
  auto net = smallNetwork();
  ModelMetadata m = metadata();
  m.description = "second version";
  ModelFile::save(path, net, m);
  EXPECT_EQ(ModelFile::readMetadata(path).description, "second version");
}

TEST_F(ModelFileTest, MissingFileIsNamed) {
  const std::string path = (dir_ / "absent.aunet").string();
  const std::string message = loadError(path);
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
}

TEST_F(ModelFileTest, TruncatedFilesAreRejectedAtEveryLength) {
  const std::string path = saved();
  const std::string full = bytes(path);
  const std::string cut = (dir_ / "cut.aunet").string();
  for (size_t length : {size_t{0}, size_t{5}, size_t{20}, size_t{39}, size_t{40}, size_t{200}, full.size() / 2,
                        full.size() - 1}) {
    writeBytes(cut, full.substr(0, length));
    const std::string message = loadError(cut);
    EXPECT_NE(message.find(cut), std::string::npos) << message;
    const bool explained = message.find("truncated") != std::string::npos ||
                           message.find("not an aunet model file") != std::string::npos;
    EXPECT_TRUE(explained) << "length " << length << ": " << message;
  }
}

TEST_F(ModelFileTest, FlippedBitsAreCaughtByTheChecksum) {
  const std::string path = saved();
  const std::string full = bytes(path);
  for (size_t offset : {size_t{60}, full.size() / 2, full.size() - 10}) {
    std::string damaged = full;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x10);
    writeBytes(path, damaged);
    const std::string message = loadError(path);
    EXPECT_NE(message.find("checksum"), std::string::npos) << "offset " << offset << ": " << message;
  }
}

TEST_F(ModelFileTest, ForeignFilesAreRecognised) {
  const std::string text = (dir_ / "notes.aunet").string();
  writeBytes(text, "this is a text file and certainly not a model, but it is long enough\n");
  EXPECT_NE(loadError(text).find("not an aunet model file"), std::string::npos);

  const std::string zip = (dir_ / "model.pt").string();
  writeBytes(zip, std::string("PK\x03\x04", 4) + std::string(100, '\0'));
  EXPECT_NE(loadError(zip).find("zip archive"), std::string::npos);

  EXPECT_NE(loadError(dir_.string()).find("directory"), std::string::npos);
}

TEST_F(ModelFileTest, NewerFormatVersionAsksForAnUpgrade) {
  const std::string path = saved();
  std::string data = bytes(path);
  data[8] = static_cast<char>(ModelFile::kFormatVersion + 1);
  writeBytes(path, data);
  const std::string message = loadError(path);
  EXPECT_NE(message.find("newer"), std::string::npos) << message;
}

TEST_F(ModelFileTest, ReadMetadataDoesNotNeedTheNetwork) {
  const std::string path = saved();
  const ModelMetadata m = ModelFile::readMetadata(path);
  EXPECT_EQ(m.architecture.at("channels"), nlohmann::json({4, 8, 16}));
  EXPECT_EQ(m.labels.size(), 3u);
}

}  // namespace
}  // namespace aunet::model
