#include "io/internal/DcmtkNetwork.h"

#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/diutil.h>


#include "core/Error.h"
#include "io/internal/DicomHeader.h"

namespace aunet::io::internal {

std::string conditionText(const OFCondition& condition) {
  std::string text = condition.text();
  for (auto& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

namespace {

std::string rejectReason(const T_ASC_RejectParameters& r) {
  std::string why;
  switch (r.reason) {
    case ASC_REASON_SU_CALLEDAETITLENOTRECOGNIZED: why = "the called AE title is not recognized by the peer"; break;
    case ASC_REASON_SU_CALLINGAETITLENOTRECOGNIZED: why = "the peer does not know our AE title (--ae-title)"; break;
    case ASC_REASON_SU_APPCONTEXTNAMENOTSUPPORTED: why = "application context name not supported"; break;
    case ASC_REASON_SP_ACSE_PROTOCOLVERSIONNOTSUPPORTED: why = "protocol version not supported"; break;
    case ASC_REASON_SP_PRES_TEMPORARYCONGESTION: why = "the peer is busy (temporary congestion)"; break;
    case ASC_REASON_SP_PRES_LOCALLIMITEXCEEDED: why = "the peer's association limit is reached"; break;
    default: why = "no reason given"; break;
  }
  return std::string("association rejected") +
         (r.result == ASC_RESULT_REJECTEDTRANSIENT ? " (transient)" : "") + ": " + why;
}

}  // namespace

ScuAssociation::ScuAssociation(const DicomPeer& peer, const std::string& callingAeTitle, int timeoutSeconds,
                               const std::vector<ProposedContext>& contexts) {
  quietDicomToolkit();
  const std::string where = peer.toString();
  // The TCP connect timeout is a DCMTK global; -1 would wait for the OS (minutes).
  dcmConnectionTimeout.set(timeoutSeconds);
  OFCondition cond = ASC_initializeNetwork(NET_REQUESTOR, 0, timeoutSeconds, &network_);
  if (cond.bad()) throw core::Error(where, "cannot initialise the network: " + conditionText(cond));
  T_ASC_Parameters* params = nullptr;
  cond = ASC_createAssociationParameters(&params, ASC_DEFAULTMAXPDU);
  if (cond.bad()) {
    ASC_dropNetwork(&network_);
    throw core::Error(where, "cannot create association parameters: " + conditionText(cond));
  }
  ASC_setAPTitles(params, callingAeTitle.c_str(), peer.aeTitle.c_str(), nullptr);
  const std::string address = peer.host + ":" + std::to_string(peer.port);
  ASC_setPresentationAddresses(params, OFStandard::getHostName().c_str(), address.c_str());
  uint8_t id = 1;
  for (const auto& c : contexts) {
    std::vector<const char*> syntaxes;
    for (const auto& ts : c.transferSyntaxes) syntaxes.push_back(ts.c_str());
    cond = ASC_addPresentationContext(params, id, c.abstractSyntax.c_str(), syntaxes.data(),
                                      static_cast<int>(syntaxes.size()));
    if (cond.bad()) {
      ASC_destroyAssociationParameters(&params);
      ASC_dropNetwork(&network_);
      throw core::Error(where, "cannot propose a presentation context: " + conditionText(cond));
    }
    id = static_cast<uint8_t>(id + 2);
  }
  cond = ASC_requestAssociation(network_, params, &assoc_);
  if (cond.bad()) {
    std::string why;
    if (cond == DUL_ASSOCIATIONREJECTED) {
      T_ASC_RejectParameters rejection;
      ASC_getRejectParameters(params, &rejection);
      why = rejectReason(rejection) + " (called AE title '" + peer.aeTitle + "', ours '" + callingAeTitle + "')";
    } else if (cond == DUL_READTIMEOUT) {
      why = "no answer to the association request within " + std::to_string(timeoutSeconds) + " s (--timeout)";
    } else {
      why = "cannot connect: " + conditionText(cond);
    }
    if (assoc_) ASC_destroyAssociation(&assoc_);
    else ASC_destroyAssociationParameters(&params);
    ASC_dropNetwork(&network_);
    throw core::Error(where, why);
  }
  if (ASC_countAcceptedPresentationContexts(assoc_->params) == 0) {
    ASC_abortAssociation(assoc_);
    ASC_destroyAssociation(&assoc_);
    ASC_dropNetwork(&network_);
    throw core::Error(where, "the peer accepted none of the SOP classes and transfer syntaxes proposed");
  }
}

ScuAssociation::~ScuAssociation() {
  if (assoc_) {
    if (broken_ || ASC_releaseAssociation(assoc_).bad()) ASC_abortAssociation(assoc_);
    ASC_destroyAssociation(&assoc_);
  }
  if (network_) ASC_dropNetwork(&network_);
}

uint8_t ScuAssociation::accepted(const std::string& abstractSyntax, const std::string& transferSyntax) const {
  if (transferSyntax.empty()) return ASC_findAcceptedPresentationContextID(assoc_, abstractSyntax.c_str());
  return ASC_findAcceptedPresentationContextID(assoc_, abstractSyntax.c_str(), transferSyntax.c_str());
}

std::string ScuAssociation::acceptedTransferSyntax(uint8_t id) const {
  T_ASC_PresentationContext pc;
  if (ASC_findAcceptedPresentationContext(assoc_->params, id, &pc).bad()) return {};
  return pc.acceptedTransferSyntax;
}

}  // namespace aunet::io::internal
