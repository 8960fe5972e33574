#include "io/internal/DicomSeriesGrouper.h"

#include <gdcmSerieHelper.h>

namespace aunet::io::internal {

namespace {

// gdcm::SerieHelper reads a folder, or single files through its protected
// AddFileName(); this opens the latter.
class FileListSerieHelper : public gdcm::SerieHelper {
 public:
  FileListSerieHelper() {
    SetUseSeriesDetails(true);
    CreateDefaultUniqueSeriesIdentifier();  // what GDCMSeriesFileNames::SetUseSeriesDetails does
  }
  void add(const std::string& file) { AddFileName(file); }
};

}  // namespace

std::vector<GroupedSeries> groupDicomSeries(const std::vector<std::string>& files) {
  FileListSerieHelper helper;
  for (const std::string& f : files) helper.add(f);
  std::vector<GroupedSeries> result;
  for (gdcm::FileList* list = helper.GetFirstSingleSerieUIDFileSet(); list;
       list = helper.GetNextSingleSerieUIDFileSet()) {
    if (list->empty()) continue;
    GroupedSeries series;
    series.id = helper.CreateUniqueSeriesIdentifier((*list)[0]);
    helper.OrderFileList(list);
    for (const auto& file : *list) series.files.push_back(file->filename);
    result.push_back(std::move(series));
  }
  return result;
}

}  // namespace aunet::io::internal
