#include "io/LabelStatisticsWriter.h"

#include "io/TextFileWriter.h"

namespace aunet::io {

void writeLabelStatisticsJson(const imaging::CaseStatistics& statistics, const std::string& path) {
  writeTextFile(path, imaging::toJson(statistics).dump(2) + "\n");
}

void writeLabelStatisticsCsv(const std::vector<imaging::CaseStatistics>& batch, const std::string& path) {
  std::string content = imaging::labelStatisticsCsvHeader();
  for (const auto& c : batch) content += imaging::labelStatisticsCsvRows(c);
  writeTextFile(path, content);
}

}  // namespace aunet::io
