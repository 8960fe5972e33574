#pragma once
// Turns on reading images through aunet-image-reader (io/ReadIsolation.h) for the
// aunet CLI and the viewer, at startup.

namespace aunet::app {

// Default for --read-timeout: long enough for a 3000-slice DICOM series on a slow
// network share, short enough that a hung decoder does not stall a night's batch.
constexpr double kDefaultReadTimeoutSeconds = 600.0;

// enabled: look for the helper next to the running executable (a warning, and
// reading in this process, when it is missing). timeoutSeconds: 0 for no limit.
void configureReadIsolation(bool enabled, double timeoutSeconds);

}  // namespace aunet::app
