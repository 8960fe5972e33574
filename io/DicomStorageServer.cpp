#include "io/DicomStorageServer.h"

#include <filesystem>

#include "core/Error.h"
#include "io/internal/DcmtkNetwork.h"
#include "io/internal/StorageScp.h"

namespace aunet::io {

DicomStorageServer::DicomStorageServer(DicomStorageServerOptions options, Handler handler) {
  checkAeTitle(options.aeTitle, "--ae-title");
  std::error_code ec;
  std::filesystem::create_directories(options.incomingDir, ec);
  if (ec) throw core::Error(options.incomingDir, "cannot create the folder for incoming files: " + ec.message());
  const uint16_t port = options.port;
  scp_ = std::make_unique<internal::StorageScp>(std::move(options), std::move(handler));
  const OFCondition cond = scp_->openListenPort();
  if (cond.bad())
    throw core::Error("--port " + std::to_string(port), "cannot listen: " + internal::conditionText(cond));
}

DicomStorageServer::~DicomStorageServer() = default;

void DicomStorageServer::run() { scp_->acceptAssociations(); }

void DicomStorageServer::stop() { scp_->requestStop(); }

}  // namespace aunet::io
