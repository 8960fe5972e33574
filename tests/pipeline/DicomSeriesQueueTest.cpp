// The serve node's queue on disk: a series is handed out only after its quiet period
// (a fake clock, no sleeping), a study only when all its series are quiet, received
// files land in one folder per series, results and failures go where the layout says,
// and a new queue on the same folder (a restarted node) picks up what was left.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/Error.h"
#include "pipeline/DicomSeriesQueue.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::pipeline {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class DicomSeriesQueueTest : public io::test::ScratchTest {
 protected:
  DicomSeriesQueue::TimePoint now_{};
  DicomSeriesQueue::Clock clock() {
    return [this] { return now_; };
  }
  // A received file in the queue's incoming/ folder, as the node leaves it there.
  std::string received(const DicomSeriesQueue& q, const std::string& name, const std::string& content = "x") {
    const std::string file = (fs::path(q.incomingDir()) / name).string();
    std::ofstream(file) << content;
    return file;
  }
  std::string root() const { return (dir_ / "queue").string(); }
};

TEST_F(DicomSeriesQueueTest, ASeriesIsReadyOnlyAfterItsQuietPeriod) {
  DicomSeriesQueue q(root(), 5000ms, clock());
  q.add(received(q, "a.part"), "1.2.3", "1.2.3.4", "1.2.3.4.1");
  now_ += 3s;
  q.add(received(q, "b.part"), "1.2.3", "1.2.3.4", "1.2.3.4.2");
  now_ += 4s;  // 7 s after the first file, 4 s after the last
  EXPECT_FALSE(q.takeReadyStudy());
  now_ += 1s;
  const auto study = q.takeReadyStudy();
  ASSERT_TRUE(study);
  EXPECT_EQ(study->studyUid, "1.2.3");
  ASSERT_EQ(study->series.size(), 1u);
  EXPECT_EQ(study->series[0].files, 2u);
  EXPECT_TRUE(fs::exists(fs::path(study->series[0].folder) / "1.2.3.4.1.dcm"));
  EXPECT_TRUE(fs::exists(fs::path(study->series[0].folder) / "1.2.3.4.2.dcm"));
  EXPECT_FALSE(q.takeReadyStudy()) << "handed out once";
  EXPECT_TRUE(fs::is_empty(q.incomingDir()));
}

TEST_F(DicomSeriesQueueTest, AStudyWaitsForAllItsSeries) {
  DicomSeriesQueue q(root(), 2000ms, clock());
  q.add(received(q, "a.part"), "9.9", "9.9.1", "9.9.1.1");
  now_ += 1500ms;
  q.add(received(q, "b.part"), "9.9", "9.9.2", "9.9.2.1");
  now_ += 1500ms;  // series 9.9.1 is quiet, 9.9.2 not yet
  EXPECT_FALSE(q.takeReadyStudy());
  now_ += 500ms;
  const auto study = q.takeReadyStudy();
  ASSERT_TRUE(study);
  EXPECT_EQ(study->series.size(), 2u);
  EXPECT_EQ(q.waitingSeries(), 0u);
}

TEST_F(DicomSeriesQueueTest, TheStudyQuietLongestComesFirst) {
  DicomSeriesQueue q(root(), 1000ms, clock());
  q.add(received(q, "a.part"), "2.2", "2.2.1", "2.2.1.1");
  now_ += 100ms;
  q.add(received(q, "b.part"), "1.1", "1.1.1", "1.1.1.1");
  now_ += 5s;
  EXPECT_EQ(q.takeReadyStudy()->studyUid, "2.2");
  EXPECT_EQ(q.takeReadyStudy()->studyUid, "1.1");
}

TEST_F(DicomSeriesQueueTest, UidsFromTheNetworkCannotLeaveTheQueueFolder) {
  EXPECT_EQ(DicomSeriesQueue::folderName("1.2.840.10008"), "1.2.840.10008");
  EXPECT_EQ(DicomSeriesQueue::folderName("../../etc"), ".._.._etc");
  EXPECT_EQ(DicomSeriesQueue::folderName(".."), "__");
  EXPECT_EQ(DicomSeriesQueue::folderName(""), "unknown");
  DicomSeriesQueue q(root(), 0ms, clock());
  q.add(received(q, "a.part"), "..", "../x", "../../y");
  const auto study = q.takeReadyStudy();
  ASSERT_TRUE(study);
  EXPECT_EQ(fs::path(study->series[0].folder).parent_path().parent_path(), fs::path(root()) / "working");
  EXPECT_TRUE(fs::exists(fs::path(study->series[0].folder) / ".._.._y.dcm"));
}

TEST_F(DicomSeriesQueueTest, AFileWithoutUidsIsSetAside) {
  DicomSeriesQueue q(root(), 0ms, clock());
  q.add(received(q, "a.part"), "", "1.2", "1.2.3");
  EXPECT_TRUE(fs::exists(fs::path(root()) / "failed" / "unsorted" / "a.part"));
  EXPECT_FALSE(q.takeReadyStudy());
}

TEST_F(DicomSeriesQueueTest, SuccessKeepsResultsAndDropsImagesFailureKeepsImagesAndReason) {
  DicomSeriesQueue q(root(), 0ms, clock());
  q.add(received(q, "a.part"), "1.1", "1.1.1", "1.1.1.1");
  q.add(received(q, "b.part"), "1.1", "1.1.2", "1.1.2.1");
  const auto study = q.takeReadyStudy();
  ASSERT_TRUE(study && study->series.size() == 2);
  const auto& good = study->series[0];
  const auto& bad = study->series[1];
  fs::create_directories(good.outputDir);
  std::ofstream(fs::path(good.outputDir) / "seg.dcm") << "seg";
  const std::string done = q.finish(good, true);
  EXPECT_EQ(fs::path(done), fs::path(root()) / "done" / "1.1" / "1.1.1");
  EXPECT_TRUE(fs::exists(fs::path(done) / "seg.dcm"));
  EXPECT_FALSE(fs::exists(good.folder)) << "the images of a done series are deleted";

  fs::create_directories(bad.outputDir);
  std::ofstream(fs::path(bad.outputDir) / "summary.json") << "{}";
  const std::string failed = q.finish(bad, false, "not an image");
  EXPECT_EQ(fs::path(failed), fs::path(root()) / "failed" / "1.1" / "1.1.2");
  EXPECT_TRUE(fs::exists(fs::path(failed) / "1.1.2.1.dcm"));
  EXPECT_TRUE(fs::exists(failed + "-output/summary.json"));
  std::ifstream reason(failed + ".txt");
  std::string line;
  std::getline(reason, line);
  EXPECT_EQ(line, "not an image");
  EXPECT_FALSE(fs::exists(fs::path(root()) / "working" / "1.1"));
}

TEST_F(DicomSeriesQueueTest, ARestartedQueueResumesWaitingAndInterruptedSeries) {
  {
    DicomSeriesQueue q(root(), 1000ms, clock());
    q.add(received(q, "a.part"), "1.1", "1.1.1", "1.1.1.1");
    q.add(received(q, "b.part"), "2.2", "2.2.1", "2.2.1.1");
    now_ += 2s;
    const auto taken = q.takeReadyStudy();  // then the node "crashes" while working on it
    ASSERT_TRUE(taken);
    fs::create_directories(taken->series[0].outputDir);
    received(q, "half-received.part");
  }
  DicomSeriesQueue q(root(), 1000ms, clock());
  EXPECT_EQ(q.waitingSeries(), 2u);
  EXPECT_TRUE(fs::is_empty(q.incomingDir())) << "half-received files are dropped";
  EXPECT_TRUE(fs::is_empty(fs::path(root()) / "working"));
  EXPECT_TRUE(fs::is_empty(fs::path(root()) / "output"));
  EXPECT_FALSE(q.takeReadyStudy()) << "recovered series get a fresh quiet period";
  now_ += 1s;
  const auto first = q.takeReadyStudy();
  const auto second = q.takeReadyStudy();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->series[0].files + second->series[0].files, 2u);
}

TEST_F(DicomSeriesQueueTest, AFileArrivingWhileItsSeriesIsWorkedOnStartsANewRound) {
  DicomSeriesQueue q(root(), 0ms, clock());
  q.add(received(q, "a.part"), "1.1", "1.1.1", "1.1.1.1");
  const auto first = q.takeReadyStudy();
  ASSERT_TRUE(first);
  q.add(received(q, "b.part"), "1.1", "1.1.1", "1.1.1.2");
  EXPECT_EQ(first->series[0].files, 1u);
  q.finish(first->series[0], true);
  const auto second = q.takeReadyStudy();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->series[0].files, 1u);
  EXPECT_TRUE(fs::exists(fs::path(second->series[0].folder) / "1.1.1.2.dcm"));
}

TEST_F(DicomSeriesQueueTest, AnUnwritableRootIsAClearError) {
  std::ofstream(path("file")) << "x";
  EXPECT_THROW(DicomSeriesQueue(path("file") + "/queue", 0ms), core::Error);
}

}  // namespace
}  // namespace aunet::pipeline
