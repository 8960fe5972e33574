#include "io/internal/StorageScp.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmnet/diutil.h>

#include <unistd.h>

#include <filesystem>

#include "core/Log.h"
#include "io/DicomInstanceHeader.h"
#include "io/internal/DcmtkNetwork.h"
#include "io/internal/DicomHeader.h"

namespace aunet::io::internal {

namespace fs = std::filesystem;

namespace {

// What a node is usually sent, most compact first: received data sets are kept as they
// came, and ITK/GDCM reads all of these.
const char* const kTransferSyntaxes[] = {
    UID_JPEG2000LosslessOnlyTransferSyntax, UID_JPEG2000TransferSyntax, UID_JPEGLSLosslessTransferSyntax,
    UID_JPEGProcess14SV1TransferSyntax,     UID_JPEGProcess14TransferSyntax, UID_JPEGProcess1TransferSyntax,
    UID_JPEGProcess2_4TransferSyntax,       UID_RLELosslessTransferSyntax,   UID_DeflatedExplicitVRLittleEndianTransferSyntax,
    UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax,
    UID_BigEndianExplicitTransferSyntax,
};

}  // namespace

StorageScp::StorageScp(DicomStorageServerOptions options, DicomStorageServer::Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  quietDicomToolkit();
  setPort(options_.port);
  setAETitle(options_.aeTitle.c_str());
  // Non-blocking accept with a 1 s timeout: stop() is noticed within a second.
  setConnectionBlockingMode(DUL_NOBLOCK);
  setConnectionTimeout(1);
  setDIMSEBlockingMode(DIMSE_NONBLOCKING);
  setDIMSETimeout(static_cast<Uint32>(options_.timeoutSeconds));
  setACSETimeout(static_cast<Uint32>(options_.timeoutSeconds));
  setHostLookupEnabled(OFFalse);
  OFList<OFString> syntaxes;
  for (const char* ts : kTransferSyntaxes) syntaxes.push_back(ts);
  OFList<OFString> verification;
  verification.push_back(UID_LittleEndianExplicitTransferSyntax);
  verification.push_back(UID_LittleEndianImplicitTransferSyntax);
  addPresentationContext(UID_VerificationSOPClass, verification);
  for (int i = 0; i < numberOfDcmAllStorageSOPClassUIDs; ++i)
    addPresentationContext(dcmAllStorageSOPClassUIDs[i], syntaxes);
}

OFBool StorageScp::checkCalledAETitleAccepted(const OFString& calledAE) {
  if (calledAE == OFString(options_.aeTitle.c_str())) return OFTrue;
  core::log::warning("DICOM node: refused an association from " + callingAeTitle_ + " calling '" +
                     std::string(calledAE.c_str()) + "' (this node is '" + options_.aeTitle + "')");
  return OFFalse;
}

void StorageScp::notifyAssociationRequest(const T_ASC_Parameters& params, DcmSCPActionType& desiredAction) {
  callingAeTitle_ = params.DULparams.callingAPTitle;
  DcmSCP::notifyAssociationRequest(params, desiredAction);
}

std::string StorageScp::temporaryFile() {
  return (fs::path(options_.incomingDir) /
          ("receiving-" + std::to_string(::getpid()) + "-" + std::to_string(++counter_) + ".part"))
      .string();
}

ReceivedInstance StorageScp::readHeader(const std::string& file) const {
  ReceivedInstance r;
  r.file = file;
  r.callingAeTitle = callingAeTitle_;
  try {
    const DicomInstanceHeader h = readDicomInstanceHeader(file);
    r.sopClassUid = h.sopClassUid;
    r.sopInstanceUid = h.sopInstanceUid;
    r.studyInstanceUid = h.studyInstanceUid;
    r.seriesInstanceUid = h.seriesInstanceUid;
    r.modality = h.modality;
  } catch (const std::exception& e) {
    r.problem = e.what();
  }
  return r;
}

OFCondition StorageScp::handleIncomingCommand(T_DIMSE_Message* incomingMsg, const DcmPresentationContextInfo& presInfo) {
  if (incomingMsg->CommandField != DIMSE_C_STORE_RQ) return DcmSCP::handleIncomingCommand(incomingMsg, presInfo);
  T_DIMSE_C_StoreRQ& request = incomingMsg->msg.CStoreRQ;
  const std::string file = temporaryFile();
  OFCondition cond = receiveSTORERequest(request, presInfo.presentationContextID, OFString(file.c_str()));
  if (cond.bad()) {
    std::error_code ec;
    fs::remove(file, ec);
    core::log::warning("DICOM node: receiving " + std::string(request.AffectedSOPInstanceUID) + " from " +
                       callingAeTitle_ + " failed: " + conditionText(cond));
    return cond;  // the association is unusable now; DcmSCP ends it
  }
  Uint16 status = STATUS_Success;
  std::string problem;
  try {
    problem = handler_(readHeader(file));
  } catch (const std::exception& e) {
    problem = e.what();
  }
  if (!problem.empty()) {
    std::error_code ec;
    if (fs::exists(file, ec)) fs::remove(file, ec);
    core::log::warning("DICOM node: not stored " + std::string(request.AffectedSOPInstanceUID) + " from " +
                       callingAeTitle_ + ": " + problem);
    status = STATUS_STORE_Refused_OutOfResources;
  }
  return sendSTOREResponse(presInfo.presentationContextID, request, status);
}

}  // namespace aunet::io::internal
