// Fuzzes the dataset reader and checker (`aunet check-dataset`, the first step of
// `aunet train`): the input becomes dataset.json of a folder that holds one small,
// valid case, then NnUNetDataset::load and checkDataset run on it. core::Error is the
// expected outcome for broken JSON; anything else is a finding.

#include <cstdint>
#include <filesystem>
#include <sstream>

#include "fuzz/FuzzScratch.h"
#include "pipeline/DatasetChecker.h"
#include "io/ImageWriter.h"
#include "io/NnUNetDataset.h"
#include "core/Error.h"
#include "core/Phantom.h"

namespace {

const std::filesystem::path& dataset() {
  static const std::filesystem::path folder = [] {
    const std::filesystem::path ds = aunet::fuzz::scratchFolder() / "Dataset001_Fuzz";
    std::filesystem::create_directories(ds / "imagesTr");
    std::filesystem::create_directories(ds / "labelsTr");
    aunet::core::Geometry g;
    g.size = {6, 5, 4};
    const auto p = aunet::core::Phantom::ellipsoids(g, 1);
    aunet::io::writeImage(p.image, (ds / "imagesTr" / "case_001_0000.nii.gz").string());
    aunet::io::writeLabelMap(p.labels, (ds / "labelsTr" / "case_001.nii.gz").string());
    aunet::io::writeImage(p.image, (ds / "imagesTr" / "case_002_0000.nrrd").string());
    return ds;
  }();
  return folder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::filesystem::path& ds = dataset();
  aunet::fuzz::writeInput("Dataset001_Fuzz/dataset.json", data, size);
  try {
    const aunet::io::NnUNetDataset d = aunet::io::NnUNetDataset::load(ds.string());
    d.labelValues();
    for (int c = 0; c < static_cast<int>(d.channelNames.size()); ++c) d.isCtChannel(c);
    if (d.training.size() <= 4) {  // reading images is slow; the layout is what varies
      const aunet::pipeline::DatasetCheckReport report = aunet::pipeline::checkDataset(d);
      std::ostringstream out;
      report.print(out, d);
    }
  } catch (const aunet::core::Error&) {
  }
  return 0;
}
