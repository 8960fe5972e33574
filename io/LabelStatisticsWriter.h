#pragma once
// Writes label statistics reports (imaging/LabelStatistics.h) to files: one case as
// JSON, a batch as CSV. Atomic writes (io/TextFileWriter.h); core::Error on failure.

#include <string>
#include <vector>

#include "imaging/LabelStatistics.h"

namespace aunet::io {

void writeLabelStatisticsJson(const imaging::CaseStatistics& statistics, const std::string& path);
void writeLabelStatisticsCsv(const std::vector<imaging::CaseStatistics>& batch, const std::string& path);

}  // namespace aunet::io
