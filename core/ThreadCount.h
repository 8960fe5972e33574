#pragma once
// The process-wide CPU thread budget (`--threads`): one setting for every pool aunet
// runs (LibTorch's, set next to it by model::configureThreads; the resampler's and any
// other std::thread pool through threadCount()). Unset or 0: every core.

namespace aunet::core {

void setThreadCount(int threads);
// At least 1.
int threadCount();

}  // namespace aunet::core
