#include "io/DicomSender.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmnet/dimse.h>
#include <dcmtk/dcmnet/diutil.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "core/Error.h"
#include "io/internal/DcmtkNetwork.h"
#include "io/internal/DicomHeader.h"

namespace aunet::io {

namespace fs = std::filesystem;

namespace {

// DICOM allows at most 128 presentation contexts per association (odd ids 1..255).
constexpr size_t kMaxContexts = 128;

struct FileInfo {
  std::string sopClass, sopInstance, transferSyntax;
  bool uncompressed = false;
  std::string problem;  // non-empty: skip with this reason
};

std::string hex(uint16_t status) {
  char text[8];
  std::snprintf(text, sizeof(text), "0x%04X", status);
  return text;
}

std::string sopClassName(const std::string& uid) {
  const char* name = dcmFindNameOfUID(uid.c_str());
  return name ? std::string(name) + " (" + uid + ")" : uid;
}

std::string transferSyntaxName(const std::string& uid) {
  const DcmXfer xfer(uid.c_str());
  return xfer.getXfer() == EXS_Unknown ? uid : std::string(xfer.getXferName());
}

// Reads the header only (up to the pixels) and checks what a PACS needs; the file is
// sent later exactly as read then.
FileInfo inspect(const std::string& path) {
  FileInfo info;
  std::unique_ptr<internal::DicomHeader> header;
  try {
    header = std::make_unique<internal::DicomHeader>(path);
  } catch (const std::exception& e) {
    const std::string what = e.what();  // "<path>: not a readable DICOM file: ..."
    info.problem = what.rfind(path + ": ", 0) == 0 ? what.substr(path.size() + 2) : what;
    return info;
  }
  // The data set's own UIDs: the meta header's copies are not what a PACS files.
  info.sopClass = header->text(DCM_SOPClassUID);
  info.sopInstance = header->text(DCM_SOPInstanceUID);
  std::vector<std::string> missing;
  if (info.sopClass.empty()) missing.push_back("SOP Class UID");
  if (info.sopInstance.empty()) missing.push_back("SOP Instance UID");
  if (header->text(DCM_StudyInstanceUID).empty()) missing.push_back("Study Instance UID");
  if (header->text(DCM_SeriesInstanceUID).empty()) missing.push_back("Series Instance UID");
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    const bool metaOnly = !header->metaText(DCM_MediaStorageSOPInstanceUID).empty();
    info.problem = "its data set has no " + names + (metaOnly ? " (only the file meta header carries SOP UIDs)" : "") +
                   "; a PACS needs them and aunet sends files unaltered";
    return info;
  }
  E_TransferSyntax xfer = header->dataset().getOriginalXfer();
  const std::string metaTs = header->metaText(DCM_TransferSyntaxUID);
  if (!metaTs.empty()) xfer = DcmXfer(metaTs.c_str()).getXfer();
  if (xfer == EXS_Unknown) {
    info.problem = "unknown transfer syntax " + (metaTs.empty() ? std::string("(none)") : metaTs);
    return info;
  }
  const DcmXfer x(xfer);
  info.transferSyntax = x.getXferID();
  info.uncompressed = x.isNotEncapsulated() && xfer != EXS_DeflatedLittleEndianExplicit;
  return info;
}

// Uncompressed files share one context per SOP class offering both little-endian
// encodings; an encapsulated (compressed) file is offered only in its own syntax.
std::pair<std::string, std::string> contextKey(const FileInfo& f) {
  return {f.sopClass, f.uncompressed ? std::string("*") : f.transferSyntax};
}

internal::ProposedContext proposal(const std::pair<std::string, std::string>& key) {
  if (key.second == "*")
    return {key.first, {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax}};
  return {key.first, {key.second}};
}

}  // namespace

size_t DicomSendReport::count(DicomSendStatus status) const {
  return static_cast<size_t>(
      std::count_if(files.begin(), files.end(), [&](const DicomSendResult& r) { return r.status == status; }));
}

DicomSender::DicomSender(DicomPeer peer, DicomSendOptions options) : peer_(std::move(peer)), options_(std::move(options)) {
  checkAeTitle(options_.callingAeTitle, "--ae-title");
  if (options_.timeoutSeconds < 1) options_.timeoutSeconds = 1;
}

std::vector<std::string> DicomSender::collectFiles(const std::vector<std::string>& inputs) {
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (fs::is_regular_file(input, ec)) {
      files.push_back(input);
    } else if (fs::is_directory(input, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(input, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file(ec)) found.push_back(it->path().string());
      if (ec) throw core::Error(input, "cannot list the folder: " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      throw core::Error(input, "no such file or folder");
    }
  }
  return files;
}

DicomSendReport DicomSender::send(const std::vector<std::string>& inputs) const {
  internal::quietDicomToolkit();
  DicomSendReport report;
  std::vector<FileInfo> infos;
  for (const auto& path : collectFiles(inputs)) {
    report.files.push_back({path, DicomSendStatus::Skipped, 0, {}});
    if (fs::path(path).filename() == "DICOMDIR") {
      report.files.back().detail = "a DICOMDIR (a media directory, not an instance)";
      infos.push_back({});
      continue;
    }
    infos.push_back(inspect(path));
    report.files.back().detail = infos.back().problem;
  }

  // Presentation contexts, in batches of at most 128 per association.
  std::vector<std::pair<std::string, std::string>> keys;
  for (size_t i = 0; i < infos.size(); ++i)
    if (report.files[i].detail.empty() && std::find(keys.begin(), keys.end(), contextKey(infos[i])) == keys.end())
      keys.push_back(contextKey(infos[i]));
  const int timeout = options_.timeoutSeconds;
  size_t storedSoFar = 0;
  for (size_t first = 0; first < keys.size(); first += kMaxContexts) {
    const std::vector<std::pair<std::string, std::string>> batch(keys.begin() + first,
                                                                 keys.begin() + std::min(keys.size(), first + kMaxContexts));
    std::vector<internal::ProposedContext> contexts;
    for (const auto& k : batch) contexts.push_back(proposal(k));
    std::vector<size_t> members;
    for (size_t i = 0; i < infos.size(); ++i)
      if (report.files[i].detail.empty() && std::find(batch.begin(), batch.end(), contextKey(infos[i])) != batch.end())
        members.push_back(i);

    std::unique_ptr<internal::ScuAssociation> assoc;
    try {
      assoc = std::make_unique<internal::ScuAssociation>(peer_, options_.callingAeTitle, timeout, contexts);
    } catch (const core::Error& e) {
      if (storedSoFar == 0) throw;  // nothing sent: the whole command fails with this line
      for (const size_t i : members) {
        report.files[i].status = DicomSendStatus::NotSent;
        report.files[i].detail = e.what();
      }
      continue;
    }
    std::string brokenBy;
    for (const size_t i : members) {
      DicomSendResult& result = report.files[i];
      const FileInfo& info = infos[i];
      if (!brokenBy.empty()) {
        result.status = DicomSendStatus::NotSent;
        result.detail = "the association broke off before this file: " + brokenBy;
        continue;
      }
      uint8_t id = assoc->accepted(info.sopClass, info.transferSyntax);
      if (id == 0 && info.uncompressed) id = assoc->accepted(info.sopClass, "");
      if (id == 0) {
        result.status = DicomSendStatus::Skipped;
        result.detail = "the peer accepted no presentation context for " + sopClassName(info.sopClass) + " in " +
                        transferSyntaxName(info.transferSyntax);
        continue;
      }
      DcmFileFormat file;
      OFCondition cond = file.loadFile(result.file.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
      if (cond.bad()) {
        result.status = DicomSendStatus::Skipped;
        result.detail = "cannot read it: " + internal::conditionText(cond);
        continue;
      }
      DcmDataset* data = file.getDataset();
      const DcmXfer accepted(assoc->acceptedTransferSyntax(id).c_str());
      if (accepted.getXfer() != DcmXfer(info.transferSyntax.c_str()).getXfer()) {
        // Only between uncompressed little-endian encodings: the values stay the same.
        cond = data->chooseRepresentation(accepted.getXfer(), nullptr);
        if (cond.bad() || !data->canWriteXfer(accepted.getXfer())) {
          result.status = DicomSendStatus::Skipped;
          result.detail = "cannot encode it in " + std::string(accepted.getXferName()) + ", the syntax the peer accepted";
          continue;
        }
      }
      T_DIMSE_C_StoreRQ request{};
      request.MessageID = assoc->get()->nextMsgID++;
      OFStandard::strlcpy(request.AffectedSOPClassUID, info.sopClass.c_str(), sizeof(request.AffectedSOPClassUID));
      OFStandard::strlcpy(request.AffectedSOPInstanceUID, info.sopInstance.c_str(),
                          sizeof(request.AffectedSOPInstanceUID));
      request.DataSetType = DIMSE_DATASET_PRESENT;
      request.Priority = DIMSE_PRIORITY_MEDIUM;
      T_DIMSE_C_StoreRSP response{};
      DcmDataset* statusDetail = nullptr;
      cond = DIMSE_storeUser(assoc->get(), id, &request, nullptr, data, nullptr, nullptr, DIMSE_NONBLOCKING, timeout,
                             &response, &statusDetail, nullptr, 0);
      delete statusDetail;
      if (cond.bad()) {
        brokenBy = cond == DIMSE_NODATAAVAILABLE ? "no response within " + std::to_string(timeout) + " s"
                                                  : internal::conditionText(cond);
        assoc->markBroken();
        result.status = DicomSendStatus::NotSent;
        result.detail = "sending failed: " + brokenBy;
        continue;
      }
      result.dimseStatus = response.DimseStatus;
      const uint16_t s = response.DimseStatus;
      if (s == STATUS_Success) {
        result.status = DicomSendStatus::Stored;
        ++storedSoFar;
      } else if (s == STATUS_STORE_Warning_CoercionOfDataElements || s == STATUS_STORE_Warning_ElementsDiscarded ||
                 s == STATUS_STORE_Warning_DataSetDoesNotMatchSOPClass) {
        result.status = DicomSendStatus::Stored;
        result.detail = "stored with warning " + hex(s) + " (" + DU_cstoreStatusString(s) + ")";
        ++storedSoFar;
      } else {
        result.status = DicomSendStatus::Refused;
        result.detail = "refused with status " + hex(s) + " (" + DU_cstoreStatusString(s) + ")";
      }
    }
  }
  return report;
}

void DicomSender::echo() const {
  internal::ScuAssociation assoc(
      peer_, options_.callingAeTitle, options_.timeoutSeconds,
      {{UID_VerificationSOPClass, {UID_LittleEndianExplicitTransferSyntax, UID_LittleEndianImplicitTransferSyntax}}});
  DIC_US status = 0;
  DcmDataset* statusDetail = nullptr;
  const OFCondition cond = DIMSE_echoUser(assoc.get(), assoc.get()->nextMsgID++, DIMSE_NONBLOCKING,
                                          options_.timeoutSeconds, &status, &statusDetail);
  delete statusDetail;
  if (cond.bad()) {
    assoc.markBroken();
    throw core::Error(peer_.toString(), "C-ECHO failed: " + internal::conditionText(cond));
  }
  if (status != STATUS_Success) throw core::Error(peer_.toString(), "C-ECHO answered with status " + hex(status));
}

}  // namespace aunet::io
