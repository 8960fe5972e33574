// Crafted model files: a valid header and checksum around hostile content, the case
// the CRC-32 cannot catch (it detects corruption, not tampering). Architectures that
// would allocate terabytes, mistyped metadata, garbage or mismatched weights: each is
// refused with a one-line core::Error naming the file, quickly and without allocating
// what the file claims.

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "model/ModelFile.h"

namespace aunet::model {
namespace {

namespace fs = std::filesystem;

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

uint64_t le(const std::string& b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(b[at + i])) << (8 * i);
  return v;
}

void putLe(std::string& b, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

// A well-formed .aunet file around `json` and `weights`: right sizes, right CRC.
void writeModel(const std::string& path, const std::string& json, const std::string& weights) {
  std::string header(40, '\0');
  header.replace(0, 8, "AUNETMDL");
  putLe(header, 8, 1, 4);
  putLe(header, 16, json.size(), 8);
  putLe(header, 24, weights.size(), 8);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(json.data()), static_cast<uInt>(json.size()));
  crc = crc32(crc, reinterpret_cast<const Bytef*>(weights.data()), static_cast<uInt>(weights.size()));
  putLe(header, 32, crc, 4);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << header << json << weights;
}

class ModelFileCraftedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aunet-crafted-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    torch::manual_seed(1);
    AttentionUNet net(AttentionUNetOptions(3, 1, 2).channels({4, 8}));
    ModelMetadata meta;
    meta.labels = LabelInfo::defaults(2);
    const std::string path = (dir_ / "base.aunet").string();
    ModelFile::save(path, net, meta);
    const std::string bytes = readAll(path);
    const uint64_t jsonSize = le(bytes, 16, 8);
    json_ = nlohmann::json::parse(bytes.substr(40, jsonSize));
    weights_ = bytes.substr(40 + jsonSize);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Loads a crafted file and returns the error, failing when it loads.
  std::string craftedError(const std::string& name, const std::string& json, const std::string& weights) {
    const std::string path = (dir_ / name).string();
    writeModel(path, json, weights);
    const auto start = std::chrono::steady_clock::now();
    try {
      ModelFile::load(path);
      ADD_FAILURE() << name << " loaded";
    } catch (const core::Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0) << name;
      return message;
    } catch (const std::exception& e) {
      ADD_FAILURE() << name << ": not a core::Error: " << e.what();
    }
    return {};
  }
  fs::path dir_;
  nlohmann::json json_;
  std::string weights_;
};

TEST_F(ModelFileCraftedTest, TheUnchangedFileLoads) {
  const std::string path = (dir_ / "same.aunet").string();
  writeModel(path, json_.dump(2), weights_);
  EXPECT_NO_THROW(ModelFile::load(path));
}

TEST_F(ModelFileCraftedTest, HugeArchitecturesAreRefusedBeforeBuildingTheNetwork) {
  for (const auto& [name, key, value] : std::vector<std::tuple<std::string, std::string, nlohmann::json>>{
           {"wide.aunet", "channels", nlohmann::json::array({100000, 200000})},
           {"inputs.aunet", "in_channels", 50000000},
           {"classes.aunet", "num_classes", 900000000000LL}}) {
    nlohmann::json j = json_;
    j["architecture"][key] = value;
    // As an older file without channel names (with them, a count that differs from the
    // names is refused earlier still: below).
    j.erase("channel_names");
    const std::string error = craftedError(name, j.dump(), weights_);
    EXPECT_NE(error.find("invalid architecture: it needs at least"), std::string::npos) << error;
  }
  nlohmann::json named = json_;
  named["architecture"]["in_channels"] = 50000000;
  named["channel_names"] = nlohmann::json::array({"T1"});
  const std::string error = craftedError("named.aunet", named.dump(), weights_);
  EXPECT_NE(error.find("names 1 channel(s) but the architecture has"), std::string::npos) << error;
}

TEST_F(ModelFileCraftedTest, MistypedMetadataIsRefused) {
  for (const auto& [name, change] : std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>>{
           {"labels-string.aunet", [](nlohmann::json& j) { j["labels"] = "liver"; }},
           {"channels-string.aunet", [](nlohmann::json& j) { j["architecture"]["channels"] = "lots"; }},
           {"channels-negative.aunet", [](nlohmann::json& j) { j["architecture"]["channels"] = {-4, 8}; }},
           {"dims.aunet", [](nlohmann::json& j) { j["architecture"]["spatial_dims"] = 4; }},
           {"architecture-null.aunet", [](nlohmann::json& j) { j["architecture"] = nullptr; }},
           {"plan-array.aunet", [](nlohmann::json& j) { j["plan"] = nlohmann::json::array({1, 2}); }},
           {"spacing-strings.aunet", [](nlohmann::json& j) { j["plan"]["target_spacing"] = {"a", "b", "c"}; }},
           {"label-huge.aunet", [](nlohmann::json& j) { j["labels"][1]["value"] = 1e300; }},
       }) {
    nlohmann::json j = json_;
    change(j);
    craftedError(name, j.dump(), weights_);
  }
  craftedError("array.aunet", "[1, 2, 3]", weights_);
  craftedError("nul.aunet", std::string("{\"a\":\0}", 7), weights_);
}

TEST_F(ModelFileCraftedTest, GarbageOrMismatchedWeightsAreRefused) {
  std::string garbage(weights_.size(), '\0');
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>((i * 2654435761u) >> 13);
  EXPECT_NE(craftedError("garbage.aunet", json_.dump(), garbage).find("cannot read the weights"), std::string::npos);
  EXPECT_NE(craftedError("empty-weights.aunet", json_.dump(), "").find("invalid architecture"), std::string::npos);
  // A zip archive damaged inside (the outer CRC recomputed): LibTorch's reader checks
  // each entry's own CRC; bytes it never reads (alignment padding) may change freely.
  // Either way: loaded, or one core::Error line; nothing else.
  for (size_t start = 0; start + 64 <= weights_.size(); start += weights_.size() / 7) {
    std::string damaged = weights_;
    for (size_t i = start; i < start + 64; ++i) damaged[i] = static_cast<char>(~damaged[i]);
    const std::string path = (dir_ / "damaged.aunet").string();
    writeModel(path, json_.dump(), damaged);
    try {
      ModelFile::load(path);
    } catch (const core::Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(path + ": ", 0), 0u) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "damage at " << start << ": not a core::Error: " << e.what();
    }
  }
  // Weights of another architecture.
  AttentionUNet other(AttentionUNetOptions(3, 1, 2).channels({6, 12}));
  ModelMetadata meta;
  meta.labels = LabelInfo::defaults(2);
  const std::string otherPath = (dir_ / "other.aunet").string();
  ModelFile::save(otherPath, other, meta);
  const std::string otherBytes = readAll(otherPath);
  const std::string otherWeights = otherBytes.substr(40 + le(otherBytes, 16, 8));
  EXPECT_NE(craftedError("mismatch.aunet", json_.dump(), otherWeights).find("different shape"), std::string::npos);
}

}  // namespace
}  // namespace aunet::model
