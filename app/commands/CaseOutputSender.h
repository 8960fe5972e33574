#pragma once
// `aunet segment --send-to AET@host:port`: the flags checked before any work, and the
// C-STORE of one case's DICOM outputs (the *.dcm files among them) once they are
// written. Sending never fails the case: its files stay on disk, summary.json's case
// entry records under "sent" what was stored and what was not, and the command exits 1.

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "app/commands/SegmentCommand.h"

namespace aunet::app {

// Throws core::Error naming --send-to or --ae-title when they are malformed, or when
// --output-format holds no DICOM format to send. Does nothing without --send-to.
void checkSendTo(const SegmentOptions& options);

// Returns true when every DICOM output was stored, or none was written (an empty mask
// gets no SEG/RTSTRUCT; summary.json's "sent" then has a "note").
bool sendCaseOutputs(const SegmentOptions& options, const std::string& caseName,
                     const std::vector<std::string>& outputs, nlohmann::json& entry);

}  // namespace aunet::app
