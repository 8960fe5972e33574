// aunet-image-reader: reads one image, label map or header for another aunet process
// (io/ReadIsolation.h) and sends it back on a pipe, so that a decoder crashing or
// hanging on a damaged file takes down only this process. Not meant to be run by hand:
//   aunet-image-reader <image|labels|info|dicom-scan> <answer-fd> <data-fd> <read-options-json> <path>

#include <sys/resource.h>

#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

#include "io/DicomSeriesScanner.h"
#include "io/ImageReader.h"
#include "core/Error.h"
#include "io/internal/ReaderProtocol.h"

namespace {

using namespace aunet::io;
using namespace aunet::io::internal;

// A crash leaves no core file behind in the user's folder; with a memory limit, a
// decoder that allocates past it fails with bad_alloc here instead of exhausting the
// machine (the limit covers the address space, so it gets room for the libraries).
void limitResources(const ReadOptions& options) {
  rlimit noCore{0, 0};
  ::setrlimit(RLIMIT_CORE, &noCore);
#if !defined(__SANITIZE_ADDRESS__)
  if (options.memoryLimitBytes > 0) {
    const rlim_t limit = static_cast<rlim_t>(options.memoryLimitBytes) + (rlim_t{2} << 30);
    rlimit space{limit, limit};
    ::setrlimit(RLIMIT_AS, &space);
  }
#endif
}

void answer(ReadKind kind, int fd, int dataFd, const std::string& path, const ReadOptions& options) {
  switch (kind) {
    case ReadKind::Image: sendVolume(fd, dataFd, readImage(path, options)); break;
    case ReadKind::LabelMap: sendLabelMap(fd, dataFd, readLabelMap(path, options)); break;
    case ReadKind::Info: sendImageInfo(fd, readImageInfo(path, options)); break;
    case ReadKind::DicomScan: sendDicomSeries(fd, scanDicomSeries(path, options.dicomRecursive)); break;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: aunet-image-reader <image|labels|info|dicom-scan> <answer-fd> <data-fd> <read-options-json> <path>\n"
                         "(started by aunet and aunet-viewer; see docs/security.md)\n");
    return 2;
  }
  int fd = -1, dataFd = -1;
  ReadKind kind{};
  ReadOptions options;
  try {
    kind = readKindFromString(argv[1]);
    fd = std::stoi(argv[2]);
    dataFd = std::stoi(argv[3]);
    options = readOptionsFromJson(nlohmann::json::parse(argv[4]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aunet-image-reader: invalid request: %s\n", e.what());
    return 2;
  }
  limitResources(options);
  const std::string path = argv[5];
  try {
    try {
      answer(kind, fd, dataFd, path, options);
    } catch (const aunet::core::Error& e) {
      sendError(fd, e.what(), e.kind());
    } catch (const std::bad_alloc&) {
      sendError(fd, path + ": out of memory while reading");
    } catch (const std::system_error&) {
      throw;  // the pipe broke: nobody to answer
    } catch (const std::exception& e) {
      sendError(fd, path + ": " + e.what());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aunet-image-reader: %s: cannot send the answer: %s\n", path.c_str(), e.what());
    return 3;
  }
  return 0;
}
