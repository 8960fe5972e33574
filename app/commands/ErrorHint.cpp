#include "app/commands/ErrorHint.h"

#include "app/commands/ModelLocator.h"

namespace aunet::app {

namespace {

std::string installedModels() {
  std::string names;
  for (const auto& [name, path] : ModelLocator::available()) names += (names.empty() ? "" : ", ") + name;
  const auto dirs = ModelLocator::searchPath();
  std::string where;
  for (const auto& d : dirs) where += (where.empty() ? "" : ", ") + d;
  if (names.empty()) return "no model is installed in the model folders (" + where + ")";
  return "installed models, usable by name (e.g. -m " + ModelLocator::available().front().first + "): " + names +
         " (in " + where + ")";
}

}  // namespace

std::string errorHint(core::ErrorKind kind) {
  switch (kind) {
    case core::ErrorKind::ModelNotFound:
      return "give the path of a .aunet file, or the name of an installed model; " + installedModels() +
             "; `aunet train` writes new ones";
    case core::ErrorKind::DatasetNotFound:
      return "a dataset is an nnU-Net v2 raw folder: dataset.json, imagesTr/<case>_0000.nii.gz, labelsTr/<case>.nii.gz "
             "(see docs/training.md); `aunet check-dataset DIR` checks one";
    case core::ErrorKind::NoInputImages:
      return "-i takes image files (.nii.gz, .nrrd, .mha, .png, ...), DICOM folders, folders of images or .txt lists; "
             "`aunet info PATH` shows what aunet reads in a path";
    case core::ErrorKind::UnevenSlices:
      return "add --allow-uneven-slices (segment, convert) to read the series with its mean spacing; positions "
             "between slices are then approximate";
    case core::ErrorKind::General:
      break;
  }
  return {};
}

}  // namespace aunet::app
