#pragma once
// A DICOM storage node (C-STORE SCP and C-ECHO SCP) on DCMTK's DcmSCP: it accepts the
// storage SOP classes DCMTK knows in the usual transfer syntaxes, writes each received
// data set exactly as it came into a file in `incomingDir`, and hands that file with
// the UIDs from its header to a handler, which moves it where it belongs. One
// association at a time; run() blocks until stop() (from any thread or a signal
// thread). A handler failure answers that one C-STORE with a failure status and the
// node goes on.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace aunet::io {

namespace internal {
class StorageScp;
}

struct ReceivedInstance {
  std::string file;  // the data set as received (a Part 10 file); the handler owns it
  std::string callingAeTitle;
  std::string sopClassUid, sopInstanceUid, studyInstanceUid, seriesInstanceUid, modality;
  std::string problem;  // non-empty: its header could not be read (why)
};

struct DicomStorageServerOptions {
  uint16_t port = 11112;
  std::string aeTitle = "AUNET";  // associations calling another AE title are rejected
  std::string incomingDir;        // where received files land before the handler runs
  int timeoutSeconds = 30;        // ACSE and DIMSE timeouts
};

class DicomStorageServer {
 public:
  // The handler returns an empty string when it took the instance, else the reason
  // (answered as C-STORE status 0xA700 "out of resources", logged).
  using Handler = std::function<std::string(const ReceivedInstance&)>;

  // Opens the port; throws core::Error naming --port when it cannot listen.
  DicomStorageServer(DicomStorageServerOptions options, Handler handler);
  ~DicomStorageServer();
  DicomStorageServer(const DicomStorageServer&) = delete;
  DicomStorageServer& operator=(const DicomStorageServer&) = delete;

  // Serves associations until stop(); returns within about a second of it.
  void run();
  void stop();

 private:
  std::unique_ptr<internal::StorageScp> scp_;
};

}  // namespace aunet::io
