#pragma once
// The on-disk queue of `aunet serve`: what the DICOM node received, sorted into one
// folder per series, and when each series counts as complete. DICOM has no "end of
// series" message, so a series is taken as complete once no file for it has arrived
// for a quiet period; a study is handed out when all its series are quiet. Everything
// lives in folders under one root, so a restarted node picks up where it stopped:
//
//   incoming/                    files being received (leftovers are deleted on start)
//   series/<study>/<series>/     complete or still arriving: <SOP Instance UID>.dcm
//   working/<study>/<series>/    being processed (moved back to series/ on start)
//   output/<study>/<series>/     the results of the run in progress
//   done/<study>/<series>/       results of series that succeeded (the images are deleted)
//   failed/<study>/<series>/     images of series that could not be used, with
//   failed/<study>/<series>.txt  the reason (and <series>-output/ with partial results)
//
// Folder names are the UIDs, with anything but [0-9A-Za-z._-] replaced (they come from
// the network). Thread-safe: the node's receiver adds while the worker takes. No
// networking here; the clock is injected so tests run without waiting.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace aunet::pipeline {

class DicomSeriesQueue {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using Clock = std::function<TimePoint()>;

  struct Series {
    std::string studyUid, seriesUid;  // as folder names
    std::string folder;               // working/<study>/<series>: the images
    std::string outputDir;            // output/<study>/<series>: where results go
    size_t files = 0;
  };
  struct Study {
    std::string studyUid;
    std::vector<Series> series;
  };

  // Creates the folders, deletes half-received files, moves interrupted work back to
  // series/ and treats every series found there as just arrived. Throws core::Error
  // naming the root when it cannot.
  DicomSeriesQueue(std::string root, std::chrono::milliseconds quietPeriod,
                   Clock clock = [] { return std::chrono::steady_clock::now(); });

  const std::string& root() const { return root_; }
  std::string incomingDir() const;

  // Moves a received file into series/<study>/<series>/<sop>.dcm and restarts that
  // series' quiet period. A file without a study or series UID goes to failed/unsorted/.
  // Throws core::Error naming the file when it cannot be moved.
  void add(const std::string& file, const std::string& studyUid, const std::string& seriesUid,
           const std::string& sopInstanceUid);

  // The study that has been quiet longest, all its series moved to working/; empty when
  // none is ready yet.
  std::optional<Study> takeReadyStudy();

  // A taken series is finished: on success its results move to done/ and its images
  // are deleted; on failure its images (and partial results) move to failed/ with the
  // reason. Returns the folder the results (success) or images (failure) are now in.
  std::string finish(const Series& series, bool succeeded, const std::string& reason = {});

  size_t waitingSeries() const;

  // "1.2.3" stays; "../x" becomes ".._x" -> "_._x"; empty becomes "unknown".
  static std::string folderName(const std::string& uid);

 private:
  std::string seriesDir(const std::string& area, const std::string& study, const std::string& series) const;

  std::string root_;
  std::chrono::milliseconds quiet_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, TimePoint> lastArrival_;  // (study, series) -> time
};

}  // namespace aunet::pipeline
