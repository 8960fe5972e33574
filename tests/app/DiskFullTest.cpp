// A full disk: `aunet segment` and `aunet convert` write into a 256 KiB tmpfs (mounted
// in a private user and mount namespace with `unshare -rm`, no root needed). A case
// whose outputs do not fit fails alone with a clear reason naming the file, the cases
// that fit are written, and nothing half-written stays behind: no partial file under
// a final name, no temporary file. Skipped where user namespaces are not allowed.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "io/ImageWriter.h"
#include "core/Phantom.h"
#include "model/AttentionUNet.h"
#include "model/ModelFile.h"
#include "tests/app/TinyModelFile.h"
#include "tests/app/ChildProcess.h"
#include "tests/app/OutputChecks.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;

std::string lastLine(const std::string& text) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  const size_t newline = end == 0 ? std::string::npos : text.rfind('\n', end - 1);
  const size_t start = newline == std::string::npos ? 0 : newline + 1;
  return text.substr(start, end - start);
}

class DiskFullTest : public io::test::ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    fs::create_directories(dir_ / "mnt");
    test::ChildProcess probe("/usr/bin/unshare",
                             {"-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs '" + path("mnt") + "'"},
                             path("probe"));
    probe.wait(std::chrono::seconds(20));
    if (probe.exitCode() != 0)
      GTEST_SKIP() << "cannot mount a small tmpfs in a user namespace (unshare -rm): " << probe.err();
  }

  // Runs `aunet args...` with its working folder `mnt` on a tmpfs of `size`, then copies
  // everything it left there (hidden files included) to `copy` for inspection. `@MNT@`
  // in an argument stands for the tmpfs folder.
  int runOnFullDisk(const std::string& size, std::vector<std::string> args, const fs::path& copy) {
    std::string command = "mount -t tmpfs -o size=" + size + " tmpfs '" + path("mnt") + "' || exit 99; '" +
                          test::aunetExecutable() + "'";
    for (auto& a : args) {
      for (size_t at; (at = a.find("@MNT@")) != std::string::npos;) a.replace(at, 5, path("mnt"));
      command += " '" + a + "'";
    }
    command += "; rc=$?; cp -a '" + path("mnt") + "/.' '" + copy.string() + "/' || exit 98; exit $rc";
    fs::create_directories(copy);
    test::ChildProcess child("/usr/bin/unshare", {"-rm", "sh", "-c", command}, path("full-log"));
    child.wait(std::chrono::minutes(2));
    EXPECT_FALSE(child.timedOut());
    EXPECT_FALSE(child.crashed()) << child.err();
    out_ = child.out();
    err_ = child.err();
    return child.exitCode();
  }
  std::string out_, err_;
};

TEST_F(DiskFullTest, SegmentFailsTheCaseThatDoesNotFitAndLeavesNothingHalfWritten) {
  const std::string modelPath = path("tiny.aunet");
  aunet::test::writeTinyModelFile(modelPath, 2);
  auto image = [&](const std::string& name, int64_t n, uint64_t seed) {
    core::Geometry g;
    g.size = {n, n, n};
    io::writeImage(core::Phantom::ellipsoids(g, seed).image, path(name));
    return path(name);
  };
  // Probabilities: 3 x 10^3 floats fit, 3 x 48^3 floats (1.3 MB) cannot.
  const std::string small1 = image("small1.nii.gz", 10, 1), big = image("big.nii.gz", 48, 2),
                    small2 = image("small2.nii.gz", 10, 3);
  const fs::path copy = dir_ / "left";
  const int rc = runOnFullDisk("256k",
                               {"--threads", "1", "segment", "-m", modelPath, "-i", small1, big, small2, "-o",
                                "@MNT@/out", "--device", "cpu", "--save-probabilities", "--progress", "none"},
                               copy);
  ASSERT_NE(rc, 99) << "mount failed: " << err_;
  ASSERT_NE(rc, 98) << "copy failed: " << err_;
  EXPECT_EQ(rc, 1) << out_ << err_;
  EXPECT_EQ(test::expectCompleteFiles(copy, "after a full disk"), 0) << "temporary files left behind";
  std::ifstream in(copy / "out" / "summary.json");
  ASSERT_TRUE(in) << "no summary.json; output: " << out_ << err_;
  const auto summary = nlohmann::json::parse(in);
  ASSERT_EQ(summary["cases"].size(), 3u);
  EXPECT_EQ(summary["cases"][0]["status"], "done");
  EXPECT_EQ(summary["cases"][1]["status"], "failed");
  const std::string error = summary["cases"][1]["error"].get<std::string>();
  EXPECT_NE(error.find(path("mnt") + "/out/big_prob.nii.gz: "), std::string::npos) << error;
  EXPECT_TRUE(error.find("No space left on device") != std::string::npos || error.find("disk full") != std::string::npos)
      << error;
  EXPECT_EQ(summary["cases"][2]["status"], "done");
  EXPECT_FALSE(fs::exists(copy / "out" / "big.nii.gz"));
  EXPECT_FALSE(fs::exists(copy / "out" / "big_prob.nii.gz"));
  EXPECT_TRUE(fs::exists(copy / "out" / "small2.nii.gz"));
}

TEST_F(DiskFullTest, ConvertOntoAFullDiskIsOneLineErrorAndNoFile) {
  core::Geometry g;
  g.size = {64, 64, 40};
  const std::string input = path("noisy.nii.gz");
  io::writeImage(core::Phantom::ellipsoids(g, 4, 30.0).image, input);  // noise: barely compresses
  const fs::path copy = dir_ / "left";
  for (const char* ending : {".nii", ".nii.gz", ".nrrd", ".mha"}) {
    SCOPED_TRACE(ending);
    fs::remove_all(copy);
    const std::string target = path("mnt") + "/converted" + ending;
    const int rc = runOnFullDisk("128k", {"convert", input, "@MNT@/converted" + std::string(ending)}, copy);
    ASSERT_NE(rc, 99) << "mount failed: " << err_;
    EXPECT_EQ(rc, 1) << out_ << err_;
    // Libraries may print their own complaint first (the NIfTI library does); aunet's
    // verdict is the last line.
    const std::string line = lastLine(err_);
    EXPECT_EQ(line.rfind("aunet: error: " + target + ": ", 0), 0u) << err_;
    EXPECT_TRUE(line.find("disk full") != std::string::npos || line.find("No space left") != std::string::npos ||
                line.find("failed to write") != std::string::npos)
        << err_;
    EXPECT_TRUE(fs::is_empty(copy)) << "left behind: " << fs::directory_iterator(copy)->path();
  }
}

}  // namespace
}  // namespace aunet::app
