// DICOM networking against real peers, as a user runs it: `aunet send`/`aunet echo` to
// Orthanc (Debian's PACS, started per test on free ports), `aunet serve` as a node that
// receives from aunet and from Orthanc, and the round trip Orthanc -> aunet serve ->
// DICOM SEG back in Orthanc referencing the series. Each test stays under 2 minutes.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <chrono>
#include <functional>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "model/AttentionUNet.h"
#include "model/ModelFile.h"
#include "tests/app/ChildProcess.h"
#include "tests/app/TinyModelFile.h"
#include "tests/support/OrthancServer.h"
#include "tests/support/SharedData.h"

namespace aunet::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kShared = fs::path(AUNET_SOURCE_DIR) / ".." / "shared" / "data";
const fs::path kCtSeries = kShared / "monai-testing" / "CT_DICOM";  // 4 slices, proper UIDs
const fs::path kNoUidSeries = kShared / "totalsegmentator-example" / "ct_dicom";  // 20 slices, empty UIDs

size_t countMatches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  return static_cast<size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// Waits until `done` holds or `timeout` passes; true when it held.
// Stops early, without success, once `givenUp` holds.
template <typename F>
bool waitFor(F done, std::chrono::seconds timeout, const std::function<bool()>& givenUp = [] { return false; }) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline && !givenUp()) {
    if (done()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return done();
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A tiny untrained model with CT normalization (the node then expects CT series).
void writeTinyCtModelFile(const std::string& path) {
  torch::manual_seed(3);
  model::AttentionUNet net(model::AttentionUNetOptions(3, 1, 3).channels({4, 8, 16}));
  model::ModelMetadata meta;
  meta.labels = model::LabelInfo::defaults(3);
  meta.plan.orientation = "RAI";
  meta.plan.patch_size = {16, 16, 16};
  meta.plan.normalization.scheme = "ct";
  meta.plan.normalization.mean = {0.0};
  meta.plan.normalization.std = {500.0};
  meta.plan.normalization.clip_low = {-1000.0};
  meta.plan.normalization.clip_high = {1000.0};
  model::ModelFile::save(path, net, meta);
}

class DicomNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("aunet-net-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  // Runs aunet to the end (at most 90 s).
  std::unique_ptr<test::ChildProcess> aunet(const std::vector<std::string>& args, const std::string& name) {
    auto p = std::make_unique<test::ChildProcess>(test::aunetExecutable(), args, (dir_ / name).string());
    p->wait(90s);
    return p;
  }
  // `aunet serve` in the background; returns once it listens (it loads the model first).
  std::unique_ptr<test::ChildProcess> serve(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"serve", "--port", std::to_string(servePort_), "--queue", (dir_ / "queue").string(),
                                  "--quiet-seconds", "1", "--allow-uneven-slices"};  // CT_DICOM has a gap
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = std::make_unique<test::ChildProcess>(test::aunetExecutable(), args, (dir_ / "serve").string());
    const bool up = waitFor([&] { return p->out().find("listening on port") != std::string::npos || p->exitCode() >= 0; }, 60s);
    EXPECT_TRUE(up && p->out().find("listening") != std::string::npos) << p->out() << p->err();
    return p;
  }
  // SIGTERM, then the node must stop by itself with exit code 0.
  void stopServe(test::ChildProcess& node) {
    node.sendSignal(SIGTERM);
    node.wait(60s);
    EXPECT_EQ(node.exitCode(), 0) << node.out() << node.err();
    EXPECT_NE(node.out().find("stopped"), std::string::npos) << node.out();
  }
  fs::path dir_;
  int servePort_ = test::freeTcpPort();
};

#define AUNET_NEEDS(path)                                                 \
  if (!fs::is_directory(path)) AUNET_SHARED_MISSING(std::string(path) + " is missing"); \
  if (!test::OrthancServer::available()) AUNET_ORTHANC_MISSING()

TEST_F(DicomNetworkTest, SendStoresASeriesInOrthancAndEchoAnswers) {
  AUNET_NEEDS(kCtSeries);
  test::OrthancServer pacs((dir_ / "orthanc").string());
  const auto echo = aunet({"echo", "--to", pacs.peer()}, "echo");
  EXPECT_EQ(echo->exitCode(), 0) << echo->err();
  EXPECT_NE(echo->out().find("C-ECHO " + pacs.peer() + ": answered"), std::string::npos) << echo->out();

  const auto send = aunet({"send", "--to", pacs.peer(), kCtSeries.string()}, "send");
  EXPECT_EQ(send->exitCode(), 0) << send->out() << send->err();
  EXPECT_NE(send->out().find("4 of 4 file(s) stored, 0 skipped, 0 refused, 0 not sent"), std::string::npos)
      << send->out();
  EXPECT_EQ(pacs.getJson("/instances").size(), 4u) << pacs.logText();
  // The files arrived as they are: same SOP Instance UIDs as on disk.
  const nlohmann::json instances = pacs.getJson("/instances?expand");
  std::set<std::string> uids;
  for (const auto& i : instances) uids.insert(i["MainDicomTags"]["SOPInstanceUID"].get<std::string>());
  EXPECT_EQ(uids.size(), 4u);
}

TEST_F(DicomNetworkTest, SendNamesAndSkipsFilesWithoutTheUidsAPacsNeeds) {
  AUNET_NEEDS(kNoUidSeries);
  AUNET_NEEDS(kCtSeries);
  test::OrthancServer pacs((dir_ / "orthanc").string());
  const auto send = aunet({"send", "--to", pacs.peer(), kNoUidSeries.string(), kCtSeries.string()}, "send");
  EXPECT_EQ(send->exitCode(), 1) << send->out() << send->err();
  // Every one of the 20 slices named, with what it lacks; the good series still goes.
  EXPECT_EQ(countMatches(send->out(), "skipped [^\n]*ct_dicom/CT\\.[0-9.]+: its data set has no [^\n]*Study Instance UID"),
            20u)
      << send->out();
  EXPECT_NE(send->out().find("4 of 24 file(s) stored, 20 skipped"), std::string::npos) << send->out();
  EXPECT_EQ(pacs.getJson("/instances").size(), 4u);
}

TEST_F(DicomNetworkTest, ARefusedAssociationOrAnUnreachablePeerIsOneErrorLine) {
  AUNET_NEEDS(kCtSeries);
  test::OrthancServer pacs((dir_ / "orthanc").string());
  const std::string wrongAe = "NOTORTHANC@127.0.0.1:" + std::to_string(pacs.dicomPort());
  const auto refused = aunet({"send", "--to", wrongAe, kCtSeries.string()}, "refused");
  EXPECT_EQ(refused->exitCode(), 1);
  EXPECT_EQ(refused->err().rfind("aunet: error: " + wrongAe + ": association rejected", 0), 0u) << refused->err();
  EXPECT_NE(refused->err().find("called AE title is not recognized"), std::string::npos) << refused->err();
  EXPECT_EQ(countMatches(refused->err(), "\n"), 1u) << "one line: " << refused->err();
  EXPECT_EQ(pacs.getJson("/instances").size(), 0u);

  const std::string closed = "ORTHANC@127.0.0.1:" + std::to_string(test::freeTcpPort());
  const auto unreachable = aunet({"send", "--to", closed, kCtSeries.string()}, "closed");
  EXPECT_EQ(unreachable->exitCode(), 1);
  EXPECT_EQ(unreachable->err().rfind("aunet: error: " + closed + ": cannot connect", 0), 0u) << unreachable->err();

  // A port that takes the TCP connection but never answers: the timeout, not a hang.
  const int silent = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(::listen(silent, 4), 0);
  socklen_t len = sizeof(a);
  ::getsockname(silent, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string mute = "MUTE@127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  const auto timedOut = aunet({"echo", "--to", mute, "--timeout", "2"}, "timeout");
  ::close(silent);
  EXPECT_EQ(timedOut->exitCode(), 1);
  EXPECT_LT(timedOut->seconds(), 30.0);
  EXPECT_EQ(timedOut->err(),
            "aunet: error: " + mute + ": no answer to the association request within 2 s (--timeout)\n");

  const auto badFlag = aunet({"send", "--to", "ORTHANC@localhost", kCtSeries.string()}, "badflag");
  EXPECT_EQ(badFlag->exitCode(), 1);
  EXPECT_NE(badFlag->err().find("--to 'ORTHANC@localhost': no ':port' after the host"), std::string::npos)
      << badFlag->err();
}

// --send-to and --ae-title are checked before any case runs; sending needs a DICOM format.
TEST_F(DicomNetworkTest, SegmentChecksSendToBeforeAnyWork) {
  AUNET_NEEDS(kCtSeries);
  const std::string model = (dir_ / "tiny.aunet").string();
  test::writeTinyModelFile(model, 1);
  const std::vector<std::string> common{"segment", "-m", model, "-i", kCtSeries.string(), "--allow-uneven-slices"};
  auto args = [&](std::vector<std::string> extra, const std::string& out) {
    std::vector<std::string> a = common;
    a.insert(a.end(), {"-o", (dir_ / out).string()});
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const auto malformed = aunet(args({"--send-to", "PACS@host"}, "o1"), "malformed");
  EXPECT_EQ(malformed->exitCode(), 1);
  EXPECT_NE(malformed->err().find("aunet: error: --send-to 'PACS@host': no ':port' after the host"), std::string::npos)
      << malformed->err();
  EXPECT_FALSE(fs::exists(dir_ / "o1" / "summary.json")) << "refused before any work";
  const auto nifti = aunet(args({"--send-to", "PACS@127.0.0.1:104"}, "o2"), "nifti");
  EXPECT_EQ(nifti->exitCode(), 1);
  EXPECT_NE(nifti->err().find("--output-format 'nifti' writes none (add dicom-seg or rtstruct)"), std::string::npos)
      << nifti->err();
  const auto ae =
      aunet(args({"--send-to", "PACS@127.0.0.1:104", "--ae-title", "MUCH_TOO_LONG_AE_TITLE"}, "o3"), "ae");
  EXPECT_EQ(ae->exitCode(), 1);
  EXPECT_NE(ae->err().find("--ae-title 'MUCH_TOO_LONG_AE_TITLE'"), std::string::npos) << ae->err();
}

// `aunet segment --send-to`: the case's SEG is stored in Orthanc, the NIfTI is not sent,
// and summary.json says what was stored; an unreachable PACS keeps the files, exit 1.
TEST_F(DicomNetworkTest, SegmentSendsItsDicomOutputs) {
  AUNET_NEEDS(kCtSeries);
  const std::string model = (dir_ / "tiny.aunet").string();
  test::writeTinyModelFile(model, 1);
  test::OrthancServer pacs((dir_ / "orthanc").string());
  const auto run = aunet({"segment", "-m", model, "-i", kCtSeries.string(), "-o", (dir_ / "out").string(),
                          "--allow-uneven-slices", "--output-format", "nifti,dicom-seg", "--send-to", pacs.peer()},
                         "segment");
  EXPECT_EQ(run->exitCode(), 0) << run->out() << run->err();
  const nlohmann::json summary = nlohmann::json::parse(readFile(dir_ / "out" / "summary.json"));
  const nlohmann::json& entry = summary["cases"][0];
  EXPECT_EQ(entry.value("status", ""), "done") << entry.dump(2);
  ASSERT_TRUE(entry.contains("sent")) << entry.dump(2);
  EXPECT_EQ(entry["sent"]["stored"], 1) << entry.dump(2);
  EXPECT_TRUE(entry["sent"]["not_stored"].empty()) << entry.dump(2);
  const nlohmann::json instances = pacs.getJson("/instances?expand");
  ASSERT_EQ(instances.size(), 1u) << "only the SEG, not the NIfTI";
  EXPECT_EQ(pacs.getJson("/instances/" + instances[0]["ID"].get<std::string>() + "/simplified-tags")["Modality"], "SEG");

  const std::string closed = "PACS@127.0.0.1:" + std::to_string(test::freeTcpPort());
  const auto down = aunet({"segment", "-m", model, "-i", kCtSeries.string(), "-o", (dir_ / "out2").string(),
                           "--allow-uneven-slices", "--output-format", "dicom-seg", "--send-to", closed},
                          "down");
  EXPECT_EQ(down->exitCode(), 1) << down->out() << down->err();
  EXPECT_NE(down->out().find("NOT SENT: 1 case(s)"), std::string::npos) << down->out();
  EXPECT_NE(down->err().find("nothing sent: " + closed + ": cannot connect"), std::string::npos) << down->err();
  bool segKept = false;
  for (const auto& f : fs::directory_iterator(dir_ / "out2")) segKept = segKept || f.path().extension() == ".dcm";
  EXPECT_TRUE(segKept) << "the SEG stays on disk";
}

// The node receives from `aunet send`, answers C-ECHO for its own AE title only, sorts
// what it got into the queue and segments it (NIfTI here: no DICOM writer needed).
TEST_F(DicomNetworkTest, ServeReceivesSegmentsAndStopsCleanly) {
  AUNET_NEEDS(kCtSeries);
  const std::string model = (dir_ / "tiny.aunet").string();
  test::writeTinyModelFile(model, 1);
  auto node = serve({"-m", model, "--output-format", "nifti"});
  const std::string self = "AUNET@127.0.0.1:" + std::to_string(servePort_);
  const auto echo = aunet({"echo", "--to", self}, "echo");
  EXPECT_EQ(echo->exitCode(), 0) << echo->err();
  const auto wrong = aunet({"echo", "--to", "OTHER@127.0.0.1:" + std::to_string(servePort_)}, "wrong");
  EXPECT_EQ(wrong->exitCode(), 1);
  EXPECT_NE(wrong->err().find("association rejected"), std::string::npos) << wrong->err();

  const auto send = aunet({"send", "--to", self, kCtSeries.string()}, "send");
  EXPECT_EQ(send->exitCode(), 0) << send->out() << send->err();
  const fs::path done = dir_ / "queue" / "done";
  const bool segmented = waitFor(
      [&] {
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(done, ec); !ec && it != fs::recursive_directory_iterator(); ++it)
          if (it->path().string().size() > 7 && it->path().string().rfind(".nii.gz") == it->path().string().size() - 7)
            return true;
        return false;
      },
      90s);
  EXPECT_TRUE(segmented) << node->out() << node->err();
  EXPECT_EQ(countMatches(node->out(), "study [0-9.]+: series [0-9.]+ \\(4 file\\(s\\)\\): segmented"), 1u) << node->out();
  stopServe(*node);
  EXPECT_TRUE(fs::is_empty(dir_ / "queue" / "series"));
}

// Series left in the queue by an earlier run are processed on start; what the node
// cannot use (another modality than the model's, not an image, damaged) is set aside in
// failed/ with the reason, and the node goes on.
TEST_F(DicomNetworkTest, ServeResumesTheQueueAndSetsAsideSeriesItCannotUse) {
  AUNET_NEEDS(kCtSeries);
  const std::string model = (dir_ / "ct.aunet").string();
  writeTinyCtModelFile(model);
  const fs::path study = dir_ / "queue" / "series" / "1.2.3";
  fs::create_directories(study / "1.2.3.1");
  for (const auto& f : fs::directory_iterator(kCtSeries)) fs::copy_file(f.path(), study / "1.2.3.1" / (f.path().filename().string() + ".dcm"));
  // The same images relabelled MR, and as a non-image SOP class without pixels.
  fs::create_directories(study / "1.2.3.2");
  fs::copy_file(kCtSeries / "7106", study / "1.2.3.2" / "a.dcm");
  fs::create_directories(study / "1.2.3.3");
  fs::copy_file(kCtSeries / "7106", study / "1.2.3.3" / "a.dcm");
  fs::create_directories(study / "1.2.3.4");
  std::ofstream(study / "1.2.3.4" / "a.dcm") << std::string(128, '\0') << "DICM" << std::string(40, '\x7f');
  {
    test::ChildProcess modality("/usr/bin/dcmodify", {"-nb", "-m", "(0008,0060)=MR", (study / "1.2.3.2" / "a.dcm").string()},
                                (dir_ / "dcmodify1").string());
    modality.wait(30s);
    test::ChildProcess sr("/usr/bin/dcmodify",
                          {"-nb", "-m", "(0008,0016)=1.2.840.10008.5.1.4.1.1.88.11", "-m", "(0008,0060)=SR", "-e",
                           "(7fe0,0010)", (study / "1.2.3.3" / "a.dcm").string()},
                          (dir_ / "dcmodify2").string());
    sr.wait(30s);
    ASSERT_EQ(modality.exitCode(), 0) << modality.err();
    ASSERT_EQ(sr.exitCode(), 0) << sr.err();
  }
  auto node = serve({"-m", model, "--output-format", "nifti"});
  EXPECT_NE(node->out().find("(4 series waiting)"), std::string::npos) << node->out();
  const bool logged = waitFor([&] { return node->out().find("study 1.2.3: ") != std::string::npos; }, 90s);
  EXPECT_TRUE(logged) << node->out() << node->err();
  stopServe(*node);
  const std::string out = node->out();
  EXPECT_EQ(countMatches(out, "study 1\\.2\\.3: "), 1u) << "one line per study: " << out;
  EXPECT_NE(out.find("series 1.2.3.1 (4 file(s)): segmented"), std::string::npos) << out;
  EXPECT_NE(out.find("series 1.2.3.2 (1 file(s)): set aside, modality MR, the model is for CT"), std::string::npos) << out;
  EXPECT_NE(out.find("series 1.2.3.3 (1 file(s)): set aside, not an image"), std::string::npos) << out;
  EXPECT_NE(out.find("series 1.2.3.4 (1 file(s)): set aside, "), std::string::npos) << out;
  EXPECT_NE(out.find("[1/4 series done"), std::string::npos) << out;
  const fs::path queue = dir_ / "queue";
  EXPECT_TRUE(fs::exists(queue / "done" / "1.2.3" / "1.2.3.1" / "summary.json"));
  for (const char* s : {"1.2.3.2", "1.2.3.3", "1.2.3.4"}) {
    EXPECT_TRUE(fs::exists(queue / "failed" / "1.2.3" / s / "a.dcm")) << s;
    EXPECT_FALSE(readFile(queue / "failed" / "1.2.3" / (std::string(s) + ".txt")).empty()) << s;
  }
}

// Orthanc pushes a CT series to `aunet serve`, which segments it and sends a DICOM SEG
// back; the SEG must arrive in Orthanc in the same study, referencing the CT series.
TEST_F(DicomNetworkTest, RoundTripOrthancToServeAndTheSegBack) {
  AUNET_NEEDS(kCtSeries);
  const std::string model = (dir_ / "tiny.aunet").string();
  test::writeTinyModelFile(model, 1);
  test::OrthancServer pacs((dir_ / "orthanc").string(), {{"aunet", "AUNET", "127.0.0.1", servePort_}});
  for (const auto& f : fs::directory_iterator(kCtSeries))
    ASSERT_EQ(pacs.post("/instances", readFile(f.path())).status, 200);
  const nlohmann::json series = pacs.getJson("/series?expand");
  ASSERT_EQ(series.size(), 1u);
  const std::string ctSeriesUid = series[0]["MainDicomTags"]["SeriesInstanceUID"];
  const std::string studyId = series[0]["ParentStudy"];

  auto node = serve({"-m", model, "--send-to", pacs.peer(), "--output-format", "dicom-seg"});
  const auto push = pacs.post("/modalities/aunet/store", series[0]["ID"].get<std::string>());
  EXPECT_EQ(push.status, 200) << push.body << pacs.logText();

  std::string segInstance;
  const bool arrived = waitFor(
      [&] {
        for (const auto& s : pacs.getJson("/series?expand"))
          if (s["MainDicomTags"].value("Modality", "") == "SEG" && !s["Instances"].empty()) {
            segInstance = s["Instances"][0];
            EXPECT_EQ(s["ParentStudy"], studyId) << "the SEG belongs to the CT's study";
            return true;
          }
        return false;
      },
      100s,
      // The node's line for the study says when it gave up: no need to wait longer.
      [&] { return node->out().find("set aside") != std::string::npos; });
  stopServe(*node);
  ASSERT_TRUE(arrived) << "no SEG in Orthanc; node log:\n" << node->out() << node->err();
  const nlohmann::json tags = pacs.getJson("/instances/" + segInstance + "/simplified-tags");
  EXPECT_EQ(tags["SOPClassUID"], "1.2.840.10008.5.1.4.1.1.66.4");
  ASSERT_TRUE(tags.contains("ReferencedSeriesSequence")) << tags.dump(2);
  EXPECT_EQ(tags["ReferencedSeriesSequence"][0]["SeriesInstanceUID"], ctSeriesUid);
  EXPECT_NE(node->out().find("sent 1 object(s) (dicom-seg) to " + pacs.peer()), std::string::npos) << node->out();
}

}  // namespace
}  // namespace aunet::app
