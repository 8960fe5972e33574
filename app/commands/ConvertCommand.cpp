#include "app/commands/ConvertCommand.h"

#include <CLI/CLI.hpp>

#include <ostream>
#include <sstream>

#include "io/ImageFormat.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "core/Error.h"
#include "core/Log.h"

namespace aunet::app {

namespace {

std::string sizeText(const core::Geometry& g) {
  std::ostringstream s;
  s << g.size[0] << "x" << g.size[1] << "x" << g.size[2] << " at " << g.spacing[0] << "x" << g.spacing[1] << "x"
    << g.spacing[2] << " mm, " << g.orientationCode();
  return s.str();
}

void logWarnings(const core::VolumeMetadata& meta) {
  for (const auto& w : meta.warnings) core::log::warning(w);
}

}  // namespace

void setupConvertCommand(CLI::App& parent, ConvertOptions& options) {
  auto* cmd = parent.add_subcommand(
      "convert", "Convert an image between formats with its exact geometry (DICOM folder -> NIfTI, NIfTI -> NRRD, ...)");
  cmd->footer(
      "Examples:\n"
      "  aunet convert ct_dicom/ ct.nii.gz          # a DICOM series to NIfTI, geometry kept\n"
      "  aunet convert --labels mask.nii.gz mask.nrrd\n"
      "  aunet convert --volume 3 BRATS_001.nii.gz flair.nii.gz   # one volume of a 4D file");
  cmd->add_option("input", options.input, "Image file, or DICOM file or folder")->required();
  cmd->add_option("output", options.output, "Output file: .nii, .nii.gz, .nrrd or .mha")->required();
  cmd->add_flag("--labels", options.labels, "Read and write a label map (integer labels, uint8/uint16 on disk)");
  cmd->add_option("--series", options.series, "DICOM series to read (id or SeriesInstanceUID; default: largest)");
  cmd->add_flag("--recursive", options.recursive, "Scan DICOM subfolders too");
  cmd->add_flag("--allow-uneven-slices", options.allowUnevenSlices,
                "Read a DICOM series with missing or unevenly spaced slices using its mean spacing");
  cmd->add_flag("--float", options.toFloat, "Write float32 even when the input had an integer type");
  cmd->add_flag("--no-compress", options.noCompress, "Do not gzip .nrrd/.mha voxel data");
  cmd->add_option("--volume", options.volume,
                  "Write only volume K (counted from 0) of a 4D file, or channel K of a multi-channel image")
      ->check(CLI::NonNegativeNumber);
}

int runConvertCommand(const ConvertOptions& options, std::ostream& out) {
  // Fail on the output name before reading what may be a large series.
  const std::string ext = io::imageExtension(options.output);
  if (ext != ".nii" && ext != ".nii.gz" && ext != ".nrrd" && ext != ".mha")
    throw core::Error(options.output, "cannot write '" + ext + "' files; supported: .nii .nii.gz .nrrd .mha");

  io::ReadOptions read;
  read.dicomSeriesUid = options.series;
  read.dicomRecursive = options.recursive;
  read.allowUnevenSlices = options.allowUnevenSlices;
  if (options.volume >= 0) {
    // Checked from the header, so the message names the flag and nothing large is read.
    const io::ImageInfo info = io::readImageInfo(options.input, read);
    if (options.volume >= info.channels)
      throw core::Error(options.input, "--volume " + std::to_string(options.volume) + ": the image has " +
                                           std::to_string(info.channels) + " volume(s) or channel(s), numbered 0 to " +
                                           std::to_string(info.channels - 1));
    read.volumeIndex = options.volume;
  }
  io::WriteOptions write;
  write.compress = !options.noCompress;
  write.keepIntegerType = !options.toFloat;

  const std::string from = io::toString(io::detectFormat(options.input));
  const std::string to = io::toString(io::formatFromExtension(options.output));
  if (options.labels) {
    const core::LabelMap labels = io::readLabelMap(options.input, read);
    logWarnings(labels.metadata());
    io::writeLabelMap(labels, options.output, write);
    out << "wrote " << options.output << " (" << from << " -> " << to << " label map, " << sizeText(labels.geometry())
        << ", " << (labels.maxLabel() <= 255 ? "uint8" : "uint16") << ", largest label " << labels.maxLabel() << ")\n";
  } else {
    const core::Volume volume = io::readImage(options.input, read);
    logWarnings(volume.metadata());
    io::writeImage(volume, options.output, write);
    out << "wrote " << options.output << " (" << from << " -> " << to << ", " << sizeText(volume.geometry()) << ", "
        << volume.channels() << " channel(s), source pixel type " << core::toString(volume.originalType()) << ")\n";
  }
  return 0;
}

}  // namespace aunet::app
