#include "app/commands/ConvertCommand.h"

#include <CLI/CLI.hpp>

#include <ostream>
#include <sstream>

#include "io/DicomObjectReader.h"
#include "io/DicomSourceSeries.h"
#include "io/ImageFormat.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "core/Error.h"
#include "core/Log.h"
#include "pipeline/DicomExport.h"
#include "pipeline/MaskFormat.h"

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
      "  aunet convert --volume 3 BRATS_001.nii.gz flair.nii.gz   # one volume of a 4D file\n"
      "  aunet convert --labels --source-series ct_dicom/ --output-format dicom-seg mask.nii.gz mask.seg.dcm\n"
      "  aunet convert --labels --source-series ct_dicom/ --output-format rtstruct mask.nii.gz mask.rtstruct.dcm\n"
      "  aunet convert --labels mask.seg.dcm mask.nii.gz   # a DICOM SEG (or RTSTRUCT with --source-series) to NIfTI");
  cmd->add_option("input", options.input, "Image file, or DICOM file or folder")->required();
  cmd->add_option("output", options.output, "Output file: .nii, .nii.gz, .nrrd or .mha; .dcm with --output-format")
      ->required();
  cmd->add_option("--source-series", options.sourceSeries,
                  "With --labels: the DICOM series (folder) the mask belongs to; needed to write DICOM SEG/RTSTRUCT "
                  "and to read an RTSTRUCT");
  cmd->add_option("--output-format", options.outputFormat,
                  "With --labels and a .dcm output: dicom-seg or rtstruct");
  cmd->add_option("--label-names", options.labelNames,
                  "Label names and colours for DICOM output (aunet's labels.json; default: labels.json beside the mask)");
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

namespace {

// --labels into a DICOM SEG or RT Structure Set that references --source-series.
int convertToDicom(const ConvertOptions& options, std::ostream& out) {
  const pipeline::MaskFormats formats = pipeline::parseMaskFormats(options.outputFormat);
  if (formats.list.size() != 1 || !formats.anyDicom())
    throw core::Error(options.output, "--output-format must be one of dicom-seg or rtstruct for a .dcm output");
  if (!options.labels) throw core::Error(options.input, "DICOM SEG/RTSTRUCT output is for label maps: add --labels");
  if (options.sourceSeries.empty())
    throw core::Error(options.output, "a DICOM " + options.outputFormat +
                                          " must reference the series the mask was made on: give it with --source-series");
  io::ReadOptions read;
  read.dicomSeriesUid = options.series;
  read.allowUnevenSlices = options.allowUnevenSlices;
  const io::DicomSourceSeries source = io::readDicomSourceSeries(options.sourceSeries, read);
  for (const auto& w : source.warnings) core::log::warning(options.sourceSeries + ": " + w);
  core::LabelMap mask = io::readLabelMap(options.input);
  logWarnings(mask.metadata());
  mask.metadata().sourcePath = options.input;
  const auto labels = pipeline::labelsForMask(options.input, options.labelNames);
  const auto segments = pipeline::dicomSegmentsFor(mask, labels);
  if (segments.empty()) throw core::Error(options.input, "the mask is empty: there is nothing to write as DICOM");
  const pipeline::MaskFormat format = formats.list.front();
  pipeline::writeDicomMask(format, pipeline::maskOnSourceSlices(mask, source), source, segments,
                           pipeline::dicomAlgorithmFor("", "", false), options.output);
  out << "wrote " << options.output << " (" << pipeline::toString(format) << " of " << segments.size()
      << " label(s), referencing series " << source.seriesInstanceUid << ", " << source.frames.size() << " slices)\n";
  return 0;
}

}  // namespace

int runConvertCommand(const ConvertOptions& options, std::ostream& out) {
  // Fail on the output name before reading what may be a large series.
  const std::string ext = io::imageExtension(options.output);
  if (ext == ".dcm") {
    if (options.outputFormat.empty())
      throw core::Error(options.output, "a .dcm output needs --output-format dicom-seg or --output-format rtstruct");
    return convertToDicom(options, out);
  }
  if (!options.outputFormat.empty())
    throw core::Error(options.output, "--output-format " + options.outputFormat + " writes DICOM: name the output .dcm");
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
  if (options.labels && !io::findDicomLabelObject(options.input).empty()) {
    // A DICOM SEG or RT Structure Set: segment numbers become the label values.
    const io::DicomLabelObject object = io::readDicomLabelObject(options.input, options.sourceSeries);
    for (const auto& w : object.warnings) core::log::warning(options.input + ": " + w);
    io::writeLabelMap(object.labels, options.output, write);
    out << "wrote " << options.output << " (DICOM " << (object.kind == io::DicomObjectKind::RtStruct ? "RTSTRUCT" : "SEG")
        << " -> " << to << " label map, " << sizeText(object.labels.geometry()) << ", " << object.segments.size()
        << " segment(s):";
    for (const auto& s : object.segments) out << " " << s.label << "=" << s.name;
    out << ")\n";
  } else if (options.labels) {
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
