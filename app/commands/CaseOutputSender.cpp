#include "app/commands/CaseOutputSender.h"

#include <csignal>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "core/Log.h"
#include "io/DicomPeer.h"
#include "io/DicomSender.h"
#include "pipeline/MaskFormat.h"

namespace aunet::app {

void checkSendTo(const SegmentOptions& options) {
  if (options.sendTo.empty()) return;
  io::DicomPeer::parse(options.sendTo, "--send-to");
  ::signal(SIGPIPE, SIG_IGN);  // a peer hanging up is an error for that association, not the end of aunet
  io::checkAeTitle(options.aeTitle, "--ae-title");
  if (!pipeline::parseMaskFormats(options.outputFormat).anyDicom())
    throw core::Error("--send-to " + options.sendTo,
                      "sends the DICOM outputs, but --output-format '" + options.outputFormat +
                          "' writes none (add dicom-seg or rtstruct)");
}

bool sendCaseOutputs(const SegmentOptions& options, const std::string& caseName,
                     const std::vector<std::string>& outputs, nlohmann::json& entry) {
  if (options.sendTo.empty()) return true;
  std::vector<std::string> dicom;
  for (const auto& path : outputs)
    if (std::filesystem::path(path).extension() == ".dcm") dicom.push_back(path);
  nlohmann::json sent{{"to", options.sendTo}, {"stored", 0}, {"not_stored", nlohmann::json::array()}};
  bool ok = true;
  if (dicom.empty()) {
    // segment writes no SEG/RTSTRUCT for an empty mask: nothing to send is no failure.
    sent["note"] = "no DICOM output was written (an empty mask)";
    core::log::info(caseName + ": nothing sent to " + options.sendTo + ": the mask is empty");
  } else {
    try {
      io::DicomSendOptions sendOptions;
      sendOptions.callingAeTitle = options.aeTitle;
      const io::DicomSendReport report =
          io::DicomSender(io::DicomPeer::parse(options.sendTo, "--send-to"), sendOptions).send(dicom);
      sent["stored"] = report.count(io::DicomSendStatus::Stored);
      for (const auto& f : report.files)
        if (f.status != io::DicomSendStatus::Stored) {
          sent["not_stored"].push_back({{"file", f.file}, {"reason", f.detail}});
          core::log::warning(caseName + ": not stored at " + options.sendTo + ": " + f.file + ": " + f.detail);
          ok = false;
        }
    } catch (const std::exception& e) {
      sent["error"] = e.what();
      ok = false;
    }
  }
  if (sent.contains("error"))
    core::log::warning(caseName + ": nothing sent: " + sent["error"].get<std::string>() + " (the files stay in the output folder)");
  else if (ok && !dicom.empty())
    core::log::info(caseName + ": sent " + std::to_string(dicom.size()) + " DICOM object(s) to " + options.sendTo);
  entry["sent"] = sent;
  return ok;
}

}  // namespace aunet::app
