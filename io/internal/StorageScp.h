#pragma once
// DcmSCP specialised for io::DicomStorageServer: C-STORE straight into a file (no
// copy of the data set in memory), C-ECHO, and a stop flag checked between
// associations and at every one-second connection timeout.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/scp.h>

#include <atomic>
#include <string>

#include "io/DicomStorageServer.h"

namespace aunet::io::internal {

class StorageScp : public DcmSCP {
 public:
  StorageScp(DicomStorageServerOptions options, DicomStorageServer::Handler handler);
  void requestStop() { stop_ = true; }

 protected:
  OFCondition handleIncomingCommand(T_DIMSE_Message* incomingMsg, const DcmPresentationContextInfo& presInfo) override;
  OFBool checkCalledAETitleAccepted(const OFString& calledAE) override;
  void notifyAssociationRequest(const T_ASC_Parameters& params, DcmSCPActionType& desiredAction) override;
  OFBool stopAfterCurrentAssociation() override { return stop_; }
  OFBool stopAfterConnectionTimeout() override { return stop_; }

 private:
  std::string temporaryFile();
  ReceivedInstance readHeader(const std::string& file) const;

  DicomStorageServerOptions options_;
  DicomStorageServer::Handler handler_;
  std::atomic<bool> stop_{false};
  std::string callingAeTitle_;
  unsigned long counter_ = 0;
};

}  // namespace aunet::io::internal
