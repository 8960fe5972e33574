// aunet's C-STORE client and storage node talking to each other in one process: what
// arrives is byte for byte the data set that was sent (nothing altered in transit),
// with the UIDs from its header; files a PACS would refuse never leave; a handler that
// cannot take a file makes that one C-STORE fail and the node go on; C-ECHO answers
// for the node's own AE title only.

#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/Error.h"
#include "io/DicomSender.h"
#include "io/DicomStorageServer.h"
#include "tests/io/IoTestSupport.h"
#include "tests/support/SharedData.h"

namespace aunet::io {
namespace {

namespace fs = std::filesystem;

const fs::path kShared = fs::path(AUNET_SOURCE_DIR) / ".." / "shared" / "data";
const fs::path kCtSeries = kShared / "monai-testing" / "CT_DICOM";
const fs::path kNoUidSeries = kShared / "totalsegmentator-example" / "ct_dicom";

std::string readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The data set of a Part 10 file: everything after the meta group, whose length the
// first meta element (0002,0000) gives. The meta header is rewritten by every receiver.
std::string dataSetBytes(const fs::path& path) {
  const std::string bytes = readBytes(path);
  if (bytes.size() < 144 || bytes.compare(128, 4, "DICM") != 0) return {};
  uint32_t groupLength = 0;
  std::memcpy(&groupLength, bytes.data() + 140, 4);  // tag(4) VR(2) length(2) at 132, value at 140
  return bytes.substr(144 + groupLength);
}

uint16_t freePort() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(s);
  return ntohs(a.sin_port);
}

class DicomStorageRoundTripTest : public test::ScratchTest {
 protected:
  void startNode(DicomStorageServer::Handler handler) {
    DicomStorageServerOptions options;
    options.port = port_;
    options.aeTitle = "NODE";
    options.incomingDir = path("incoming");
    options.timeoutSeconds = 10;
    server_ = std::make_unique<DicomStorageServer>(options, std::move(handler));
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
    }
    test::ScratchTest::TearDown();
  }
  DicomPeer node(const std::string& ae = "NODE") const { return DicomPeer{ae, "127.0.0.1", port_}; }

  uint16_t port_ = freePort();
  std::unique_ptr<DicomStorageServer> server_;
  std::thread thread_;
};

TEST_F(DicomStorageRoundTripTest, WhatArrivesIsTheDataSetThatWasSent) {
  if (!fs::is_directory(kCtSeries)) AUNET_SHARED_MISSING(kCtSeries.string() + " is missing");
  std::mutex mutex;
  std::vector<ReceivedInstance> received;
  startNode([&](const ReceivedInstance& r) {
    const fs::path kept = fs::path(path("kept")) / (r.sopInstanceUid + ".dcm");
    fs::create_directories(kept.parent_path());
    fs::rename(r.file, kept);
    std::lock_guard<std::mutex> lock(mutex);
    received.push_back(r);
    received.back().file = kept.string();
    return std::string();
  });
  DicomSender sender(node(), DicomSendOptions{});
  EXPECT_NO_THROW(sender.echo());
  const DicomSendReport report = sender.send({kCtSeries.string()});
  ASSERT_EQ(report.files.size(), 4u);
  EXPECT_TRUE(report.allStored()) << report.files[0].detail;
  ASSERT_EQ(received.size(), 4u);
  for (const auto& r : received) {
    EXPECT_EQ(r.callingAeTitle, "AUNET");
    EXPECT_EQ(r.sopClassUid, "1.2.840.10008.5.1.4.1.1.2");  // CT Image Storage
    EXPECT_EQ(r.modality, "CT");
    EXPECT_FALSE(r.studyInstanceUid.empty());
    EXPECT_FALSE(r.seriesInstanceUid.empty());
    EXPECT_TRUE(r.problem.empty()) << r.problem;
  }
  size_t identical = 0;
  for (const auto& source : fs::directory_iterator(kCtSeries))
    for (const auto& r : received)
      if (!dataSetBytes(source.path()).empty() && dataSetBytes(source.path()) == dataSetBytes(r.file)) ++identical;
  EXPECT_EQ(identical, 4u) << "every received data set equals one sent, byte for byte";
  EXPECT_TRUE(fs::is_empty(path("incoming")));
}

TEST_F(DicomStorageRoundTripTest, FilesWithoutUidsNeverLeave) {
  if (!fs::is_directory(kNoUidSeries)) AUNET_SHARED_MISSING(kNoUidSeries.string() + " is missing");
  size_t calls = 0;
  startNode([&](const ReceivedInstance& r) {
    ++calls;
    fs::remove(r.file);
    return std::string();
  });
  const DicomSendReport report = DicomSender(node(), DicomSendOptions{}).send({kNoUidSeries.string()});
  ASSERT_EQ(report.files.size(), 20u);
  EXPECT_EQ(report.count(DicomSendStatus::Skipped), 20u);
  EXPECT_NE(report.files[0].detail.find("its data set has no SOP Class UID, SOP Instance UID, Study Instance UID, "
                                        "Series Instance UID (only the file meta header carries SOP UIDs)"),
            std::string::npos)
      << report.files[0].detail;
  EXPECT_EQ(calls, 0u);
}

TEST_F(DicomStorageRoundTripTest, AFileTheNodeCannotTakeIsRefusedAndTheNodeGoesOn) {
  if (!fs::is_directory(kCtSeries)) AUNET_SHARED_MISSING(kCtSeries.string() + " is missing");
  size_t calls = 0;
  startNode([&](const ReceivedInstance& r) {
    if (++calls == 2) return std::string("disk full");  // the node deletes the file then
    fs::remove(r.file);
    return std::string();
  });
  const DicomSendReport report = DicomSender(node(), DicomSendOptions{}).send({kCtSeries.string()});
  EXPECT_EQ(report.count(DicomSendStatus::Stored), 3u);
  ASSERT_EQ(report.count(DicomSendStatus::Refused), 1u);
  for (const auto& f : report.files)
    if (f.status == DicomSendStatus::Refused) {
      EXPECT_EQ(f.dimseStatus, 0xA700);
      EXPECT_NE(f.detail.find("refused with status 0xA700"), std::string::npos) << f.detail;
    }
  EXPECT_TRUE(fs::is_empty(path("incoming")));
  EXPECT_NO_THROW(DicomSender(node(), DicomSendOptions{}).echo()) << "still serving";
}

TEST_F(DicomStorageRoundTripTest, TheNodeAnswersOnlyToItsOwnAeTitle) {
  startNode([](const ReceivedInstance&) { return std::string(); });
  try {
    DicomSender(node("SOMEONE"), DicomSendOptions{}).echo();
    FAIL() << "echo to the wrong AE title succeeded";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("SOMEONE@127.0.0.1:" + std::to_string(port_) +
                                         ": association rejected: the called AE title is not recognized"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(DicomSender(node(), DicomSendOptions{}).echo());
}

TEST_F(DicomStorageRoundTripTest, APortInUseIsAnErrorNamingTheFlag) {
  startNode([](const ReceivedInstance&) { return std::string(); });
  DicomStorageServerOptions options;
  options.port = port_;
  options.incomingDir = path("incoming2");
  try {
    DicomStorageServer second(options, [](const ReceivedInstance&) { return std::string(); });
    FAIL() << "two nodes on one port";
  } catch (const core::Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--port " + std::to_string(port_) + ": cannot listen: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace aunet::io
