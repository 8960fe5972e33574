#pragma once
// DCMTK dcmnet plumbing shared by the C-STORE/C-ECHO client and the storage node: an
// association requested as SCU that says in words why it could not be made.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/DicomPeer.h"

namespace aunet::io::internal {

// One line from a DCMTK condition (its text may hold several lines).
std::string conditionText(const OFCondition& condition);

struct ProposedContext {
  std::string abstractSyntax;
  std::vector<std::string> transferSyntaxes;  // in order of preference
};

// An association requested from `peer`, released (or aborted when broken) on
// destruction. Throws core::Error "<peer>: <why>" when it cannot be made: rejected (with
// the reason the peer gave), connection refused, timeout, or no context accepted.
class ScuAssociation {
 public:
  ScuAssociation(const DicomPeer& peer, const std::string& callingAeTitle, int timeoutSeconds,
                 const std::vector<ProposedContext>& contexts);
  ~ScuAssociation();
  ScuAssociation(const ScuAssociation&) = delete;
  ScuAssociation& operator=(const ScuAssociation&) = delete;

  T_ASC_Association* get() const { return assoc_; }
  // The accepted presentation context for this SOP class in this transfer syntax (an
  // empty transfer syntax: any), or 0.
  uint8_t accepted(const std::string& abstractSyntax, const std::string& transferSyntax) const;
  // The transfer syntax the peer accepted for context `id`.
  std::string acceptedTransferSyntax(uint8_t id) const;
  // After a network error: abort instead of release on destruction.
  void markBroken() { broken_ = true; }

 private:
  T_ASC_Network* network_ = nullptr;
  T_ASC_Association* assoc_ = nullptr;
  bool broken_ = false;
};

}  // namespace aunet::io::internal
