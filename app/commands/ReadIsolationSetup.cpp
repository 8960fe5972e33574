#include "app/commands/ReadIsolationSetup.h"

#include "io/ReadIsolation.h"
#include "core/Log.h"

namespace aunet::app {

void configureReadIsolation(bool enabled, double timeoutSeconds) {
  io::ReadIsolation isolation;
  isolation.timeoutSeconds = timeoutSeconds;
  if (enabled) {
    isolation.helperPath = io::defaultReaderHelper();
    if (isolation.helperPath.empty())
      core::log::warning("aunet-image-reader is not installed next to this program (nor named by $AUNET_IMAGE_READER); images are read in this "
                         "process, where a decoder crashing on a damaged file ends the whole run");
    else
      core::log::debug("reading images through " + isolation.helperPath);
  }
  io::setReadIsolation(isolation);
}

}  // namespace aunet::app
