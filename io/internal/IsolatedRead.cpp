#include "io/internal/IsolatedRead.h"

#include <sstream>

#include "io/ReadIsolation.h"
#include "core/Error.h"
#include "io/internal/ReaderProcess.h"
#include "io/internal/ReaderProtocol.h"

namespace aunet::io::internal {

namespace {

// A helper that has answered (or failed with a message) exits at once; one that
// sent a broken answer gets this long before it is killed.
constexpr double kExitGraceSeconds = 5.0;

std::string secondsText(double s) {
  std::ostringstream out;
  out << s;
  return out.str();
}

template <class Receive>
auto readInHelper(const std::string& path, ReadKind kind, const ReadOptions& options, Receive receive) {
  const ReadIsolation& isolation = readIsolation();
  ReaderProcess helper(isolation.helperPath, kind, path, options);
  try {
    auto result = receive(helper.answerFd(), helper.dataFd(), isolation.timeoutSeconds);
    const std::string end = helper.waitForExit(kExitGraceSeconds);
    if (!end.empty()) throw core::Error(path, "the image reader " + end + " after reading this file");
    return result;
  } catch (const core::Error&) {
    helper.waitForExit(kExitGraceSeconds);
    throw;
  } catch (const ReaderTimeout&) {
    helper.kill();
    throw core::Error(path, "reading took longer than " + secondsText(isolation.timeoutSeconds) +
                                " s and was stopped (a damaged file? the limit is --read-timeout)");
  } catch (const ReaderAnswerIncomplete& incomplete) {
    const std::string end = helper.waitForExit(kExitGraceSeconds);
    if (!end.empty())
      throw core::Error(path, "the image reader " + end +
                                  (kind == ReadKind::DicomScan
                                       ? " scanning this folder; a file in it is damaged or in a form aunet cannot read"
                                       : " on this file; it is damaged or in a form aunet cannot read"));
    throw core::Error(path, "the image reader's answer was broken: " + incomplete.reason);
  }
}

}  // namespace

bool readIsolationEnabled() { return !readIsolation().helperPath.empty(); }

core::Volume readImageInHelper(const std::string& path, const ReadOptions& options) {
  return readInHelper(path, ReadKind::Image, options, receiveVolume);
}

core::LabelMap readLabelMapInHelper(const std::string& path, const ReadOptions& options) {
  return readInHelper(path, ReadKind::LabelMap, options, receiveLabelMap);
}

ImageInfo readImageInfoInHelper(const std::string& path, const ReadOptions& options) {
  return readInHelper(path, ReadKind::Info, options, receiveImageInfo);
}

std::vector<DicomSeriesInfo> scanDicomSeriesInHelper(const std::string& folder, bool recursive) {
  ReadOptions options;
  options.dicomRecursive = recursive;
  return readInHelper(folder, ReadKind::DicomScan, options, receiveDicomSeries);
}

}  // namespace aunet::io::internal
