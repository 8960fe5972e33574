// The `aunet` executable on a generated corpus of bad inputs, as a user meets them:
// one `aunet segment` batch over broken images and DICOM folders (each case fails
// alone with "<input>: <reason>", the good case is done, nothing is written for the
// failed ones), broken model files (one line "aunet: error: <model>: <reason>", exit
// 1, no output folder), and broken datasets for check-dataset and train (non-zero
// exit, the file named, no run folder).

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "io/ImageWriter.h"
#include "core/Phantom.h"
#include "model/AttentionUNet.h"
#include "model/ModelFile.h"
#include "tests/app/ChildProcess.h"
#include "tests/app/OutputChecks.h"
#include "tests/io/DicomFileBuilder.h"
#include "tests/io/IoTestSupport.h"
#include "tests/io/NnUNetTestDataset.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;
using io::test::DicomFileBuilder;
using io::test::readBytes;
using io::test::writeBytes;

// The last non-empty line of a program's output.
std::string lastLine(const std::string& text) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  const size_t start = text.rfind('\n', end == 0 ? 0 : end - 1);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1));
}

class BadInputCliTest : public io::test::ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    torch::manual_seed(9);
    model::AttentionUNet net(model::AttentionUNetOptions(3, 1, 2).channels({4, 8}));
    model::ModelMetadata meta;
    meta.labels = model::LabelInfo::defaults(2);
    meta.plan.orientation = "RAI";
    meta.plan.patch_size = {16, 16, 16};
    meta.plan.normalization.scheme = "zscore";
    model_ = path("good.aunet");
    model::ModelFile::save(model_, net, meta);
    core::Geometry g;
    g.size = {16, 16, 12};
    good_ = path("good.nii.gz");
    io::writeImage(core::Phantom::ellipsoids(g, 1).image, good_);
  }
  // Runs `aunet args...` to its end.
  int run(const std::vector<std::string>& args) {
    test::ChildProcess child(test::aunetExecutable(), args, path("log"));
    child.wait(std::chrono::minutes(2));
    EXPECT_FALSE(child.crashed()) << "aunet crashed: " << child.err();
    EXPECT_FALSE(child.timedOut());
    out_ = child.out();
    err_ = child.err();
    return child.exitCode();
  }
  std::string model_, good_, out_, err_;
};

TEST_F(BadInputCliTest, SegmentBatchFailsEachBadInputAloneAndWritesNothingForIt) {
  fs::create_directories(dir_ / "in");
  auto in = [&](const std::string& name) { return (dir_ / "in" / name).string(); };
  std::vector<std::string> bad;
  core::Geometry g;
  g.size = {16, 16, 12};
  const core::Volume image = core::Phantom::ellipsoids(g, 2).image;

  io::writeImage(image, in("cut.nii"));
  fs::resize_file(in("cut.nii"), fs::file_size(in("cut.nii")) / 2);
  bad.push_back(in("cut.nii"));
  io::writeImage(image, in("cutgz.nii.gz"));
  fs::resize_file(in("cutgz.nii.gz"), fs::file_size(in("cutgz.nii.gz")) / 2);
  bad.push_back(in("cutgz.nii.gz"));
  auto patchedNifti = [&](const std::string& name, size_t offset, const void* value, size_t bytes) {
    io::writeImage(image, in(name));
    std::string b = readBytes(in(name));
    std::memcpy(&b[offset], value, bytes);
    writeBytes(in(name), b);
    bad.push_back(in(name));
  };
  const int16_t huge[4] = {3, 30000, 30000, 30000}, zero[4] = {3, 16, 0, 12}, negative[4] = {3, -16, 16, 12},
                fourD[5] = {4, 16, 16, 6, 2}, fiveD[6] = {5, 16, 16, 3, 2, 2};
  patchedNifti("huge.nii", 40, huge, sizeof huge);
  patchedNifti("zero.nii", 40, zero, sizeof zero);
  patchedNifti("negative.nii", 40, negative, sizeof negative);
  patchedNifti("four.nii", 40, fourD, sizeof fourD);
  patchedNifti("five.nii", 40, fiveD, sizeof fiveD);
  core::Volume nan = image;
  nan.data()[5] = std::numeric_limits<float>::quiet_NaN();
  nan.data()[6] = std::numeric_limits<float>::infinity();
  io::writeImage(nan, in("nan.nii.gz"));
  bad.push_back(in("nan.nii.gz"));
  io::writeImage(core::Volume(g, 2), in("twochannels.nii.gz"));  // the model takes one channel
  bad.push_back(in("twochannels.nii.gz"));
  writeBytes(in("text.nii.gz"), "not an image at all\n");
  bad.push_back(in("text.nii.gz"));
  bad.push_back(in("missing.nii.gz"));
  // DICOM: duplicated positions, a report without images, unsupported compression.
  const std::string series = "1.2.826.0.1.3680043.2.1125.42";
  fs::create_directories(dir_ / "dup");
  for (int k = 0; k < 4; ++k)
    DicomFileBuilder::ctSlice(series, k + 1, k == 3 ? 2 : k).write((dir_ / "dup" / ("s" + std::to_string(k) + ".dcm")).string());
  bad.push_back((dir_ / "dup").string());
  fs::create_directories(dir_ / "report");
  DicomFileBuilder::textReport(series).write((dir_ / "report" / "sr.dcm").string());
  bad.push_back((dir_ / "report").string());
  fs::create_directories(dir_ / "mpeg");
  for (int k = 0; k < 3; ++k) {
    auto slice = DicomFileBuilder::ctSlice(series + "9", k + 1, k);
    slice.transferSyntax("1.2.840.10008.1.2.4.100").pixelData(std::string(64, '\x5a'), true);
    slice.write((dir_ / "mpeg" / ("m" + std::to_string(k) + ".dcm")).string());
  }
  bad.push_back((dir_ / "mpeg").string());

  std::vector<std::string> args{"--threads", "1", "segment", "-m", model_, "-o", path("out"), "--device", "cpu",
                                "--progress", "none", "-i"};
  args.insert(args.end(), bad.begin(), bad.end());
  args.push_back(good_);
  EXPECT_EQ(run(args), 1) << out_ << err_;

  std::ifstream summaryIn(path("out/summary.json"));
  ASSERT_TRUE(summaryIn) << out_ << err_;
  const auto summary = nlohmann::json::parse(summaryIn);
  // The report-only folder holds no image series: the collector warns and makes no case.
  size_t failed = 0;
  for (const auto& c : summary["cases"]) {
    const std::string input = c["input"].get<std::string>(), name = c["case"].get<std::string>();
    if (input == good_) {
      EXPECT_EQ(c["status"], "done");
      continue;
    }
    ++failed;
    EXPECT_EQ(c["status"], "failed") << input;
    const std::string error = c.value("error", "");
    EXPECT_EQ(error.rfind(input + ": ", 0), 0u) << error;
    EXPECT_GT(error.size(), input.size() + 4) << "no reason: " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_FALSE(fs::exists(path("out/" + name + ".nii.gz"))) << name;
    EXPECT_NE(out_.find("FAILED " + name + ": " + input + ": "), std::string::npos) << out_;
  }
  EXPECT_GE(failed, bad.size() - 1) << summary.dump(1);
  EXPECT_EQ(test::expectCompleteFiles(path("out"), "after the bad batch"), 0);
}

// A decoder that aborts or hangs on a file (fuzzing found nine; the next one is out
// there) costs that case, not the batch: images are read in aunet-image-reader. The
// stand-in helper crashes or hangs the way a broken third-party decoder would, on
// the files named so, and hands every other file to the real helper.
TEST_F(BadInputCliTest, ADecoderCrashOrHangCostsOneCaseNotTheBatch) {
  fs::create_directories(dir_ / "in");
  auto in = [&](const std::string& name) { return (dir_ / "in" / name).string(); };
  for (const std::string name : {"a.nii.gz", "abort.nii.gz", "hang.nii.gz", "segv.nii.gz", "z.nii.gz"})
    fs::copy_file(good_, in(name));
  const std::string helper = path("decoder.sh");
  writeBytes(helper, "#!/bin/sh\n"
                     "case \"$5\" in\n"
                     "  *abort*) kill -ABRT $$ ;;\n"
                     "  *segv*) kill -SEGV $$ ;;\n"
                     "  *hang*) exec sleep 120 ;;\n"
                     "esac\n"
                     "exec '" + std::string(AUNET_BINARY_DIR) + "/bin/aunet-image-reader' \"$@\"\n");
  fs::permissions(helper, fs::perms::owner_all);
  ::setenv("AUNET_IMAGE_READER", helper.c_str(), 1);
  const int code = run({"--threads", "1", "--read-timeout", "3", "segment", "-m", model_, "-i", (dir_ / "in").string(),
                        "-o", path("out"), "--device", "cpu", "--progress", "none"});
  ::unsetenv("AUNET_IMAGE_READER");
  EXPECT_EQ(code, 1) << out_ << err_;
  std::ifstream summaryIn(path("out/summary.json"));
  ASSERT_TRUE(summaryIn) << out_ << err_;
  const auto summary = nlohmann::json::parse(summaryIn);
  std::map<std::string, std::pair<std::string, std::string>> byCase;
  for (const auto& c : summary["cases"]) byCase[c["case"]] = {c["status"], c.value("error", "")};
  EXPECT_EQ(byCase["a"].first, "done");
  EXPECT_EQ(byCase["z"].first, "done");
  EXPECT_EQ(byCase["abort"], std::make_pair(std::string("failed"),
                                            in("abort.nii.gz") + ": the image reader crashed with signal 6 (Aborted) "
                                                                 "on this file; it is damaged or in a form aunet cannot read"));
  EXPECT_EQ(byCase["segv"].first, "failed");
  EXPECT_NE(byCase["segv"].second.find("crashed with signal 11"), std::string::npos) << byCase["segv"].second;
  EXPECT_EQ(byCase["hang"], std::make_pair(std::string("failed"),
                                           in("hang.nii.gz") + ": reading took longer than 3 s and was stopped (a "
                                                               "damaged file? the limit is --read-timeout)"));
  for (const std::string name : {"abort", "hang", "segv"}) EXPECT_FALSE(fs::exists(path("out/" + name + ".nii.gz")));
  EXPECT_EQ(test::expectCompleteFiles(path("out"), "after the crashing decoder"), 0);
}

TEST_F(BadInputCliTest, BrokenModelFilesStopBeforeAnyOutput) {
  const std::string bytes = readBytes(model_);
  std::vector<std::pair<std::string, std::string>> variants;  // file, expected reason part
  auto variant = [&](const std::string& name, const std::string& content, const std::string& reason) {
    writeBytes(path(name), content);
    variants.emplace_back(path(name), reason);
  };
  variant("empty.aunet", "", "not an aunet model file");
  variant("half.aunet", bytes.substr(0, bytes.size() / 2), "truncated");
  std::string flipped = bytes;
  flipped[bytes.size() - 100] = static_cast<char>(flipped[bytes.size() - 100] ^ 0x10);
  variant("flipped.aunet", flipped, "checksum mismatch");
  std::string hugeClaim = bytes;
  for (int b = 0; b < 8; ++b) hugeClaim[24 + b] = '\x7f';  // weights length
  variant("claim.aunet", hugeClaim, "truncated");
  variant("zip.aunet", "PK\x03\x04 a PyTorch checkpoint, say", "zip archive");
  std::string newer = bytes;
  newer[8] = '\x09';
  variant("newer.aunet", newer, "newer than this aunet supports");
  for (const auto& [file, reason] : variants) {
    SCOPED_TRACE(file);
    const std::string outDir = path("out-" + fs::path(file).stem().string());
    EXPECT_EQ(run({"segment", "-m", file, "-i", good_, "-o", outDir, "--device", "cpu"}), 1);
    const std::string line = lastLine(err_);
    EXPECT_EQ(line.rfind("aunet: error: " + file + ": ", 0), 0u) << err_;
    EXPECT_NE(line.find(reason), std::string::npos) << err_;
    EXPECT_FALSE(fs::exists(outDir)) << "output folder created for a broken model";
    EXPECT_EQ(run({"info", file}), 1);
    EXPECT_EQ(lastLine(err_).rfind("aunet: error: " + file + ": ", 0), 0u) << err_;
  }
}

TEST_F(BadInputCliTest, BrokenDatasetsAreRefusedBeforeTraining) {
  struct Broken {
    std::string name;
    std::function<void(const fs::path&)> damage;
    std::string mention;  // in stdout or stderr
  };
  const fs::path outside = dir_ / "outside.nii.gz";
  std::vector<Broken> cases{
      {"badjson", [](const fs::path& ds) { std::ofstream(ds / "dataset.json") << "{\"labels\": {"; },
       "dataset.json: invalid JSON"},
      {"nokeys", [](const fs::path& ds) { std::ofstream(ds / "dataset.json") << "{\"numTraining\": 3}"; },
       "dataset.json: missing key"},
      {"escape",
       [&](const fs::path& ds) {
         fs::rename(ds / "labelsTr" / "case_001.nii.gz", outside);
         fs::create_symlink(outside, ds / "labelsTr" / "case_001.nii.gz");
       },
       "resolves outside the dataset folder"},
      {"escapefolder",
       [&](const fs::path& ds) {
         fs::rename(ds / "imagesTr", ds.parent_path() / "elsewhere-images");
         fs::create_directory_symlink(ds.parent_path() / "elsewhere-images", ds / "imagesTr");
       },
       "resolves outside the dataset folder"},
      {"labels",
       [](const fs::path& ds) {
         std::ifstream in(ds / "dataset.json");
         auto j = nlohmann::json::parse(in);
         j["labels"] = {{"background", 0}, {"organ", 1}};  // the files also hold 2
         std::ofstream(ds / "dataset.json") << j.dump();
       },
       "2"},
      {"missing", [](const fs::path& ds) { fs::remove(ds / "labelsTr" / "case_002.nii.gz"); }, "case_002"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path ds = dir_ / ("ds-" + c.name);
    io::test::PhantomDatasetSpec spec;
    spec.cases = 3;
    spec.size = {16, 16, 1};
    io::test::writePhantomDataset(ds, spec);
    c.damage(ds);
    EXPECT_NE(run({"check-dataset", ds.string()}), 0) << out_ << err_;
    EXPECT_NE((out_ + err_).find(c.mention), std::string::npos) << out_ << err_;
    const fs::path runDir = dir_ / ("run-" + c.name);
    EXPECT_EQ(run({"train", "-d", ds.string(), "-o", runDir.string(), "--device", "cpu", "--epochs", "1"}), 1)
        << out_ << err_;
    EXPECT_EQ(lastLine(err_).rfind("aunet: error: " + ds.string(), 0), 0u) << err_;
    EXPECT_FALSE(fs::exists(runDir)) << "a run folder was created for a broken dataset";
  }
}

}  // namespace
}  // namespace aunet::app
