#pragma once
// `aunet serve --port P --ae-title AUNET -m MODEL --send-to AET@host:port`: a DICOM node
// for hospital IT. A receiver thread (C-STORE SCP, C-ECHO; io/DicomStorageServer.h)
// files what arrives into a queue on disk (pipeline/DicomSeriesQueue.h); a worker thread
// takes each study once all its series have been quiet for --quiet-seconds, segments
// each image series with `aunet segment` (runSegmentCommand: --output-format, default
// dicom-seg), which sends the results to --send-to, and logs one line per study. A series
// it cannot use (not an image, a modality the model was not made for, damaged) is logged
// and set aside in <queue>/failed/; the node goes on. Series left in the queue are
// processed after a restart. SIGINT/SIGTERM stop it after the study in progress.

#include <cstdint>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace aunet::app {

struct ServeOptions {
  uint16_t port = 11112;
  std::string aeTitle = "AUNET";
  std::string model;
  std::string sendTo;                      // empty: results stay in <queue>/done/
  std::string outputFormat = "dicom-seg";  // as segment's --output-format
  std::string queue = "aunet-queue";
  double quietSeconds = 5.0;
  std::string device = "auto";
  bool allowUnevenSlices = false;  // as segment's --allow-uneven-slices
  int timeoutSeconds = 30;
};

void setupServeCommand(CLI::App& parent, ServeOptions& options);
// Runs until SIGINT or SIGTERM; returns 0 then. Throws core::Error for bad flags, a
// model that does not load, a queue folder that cannot be made or a port in use.
int runServeCommand(const ServeOptions& options, std::ostream& out);

}  // namespace aunet::app
