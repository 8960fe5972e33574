#pragma once
// `aunet segment -m MODEL -i INPUT [INPUT...] -o OUTDIR`: the batch tool. Every case
// runs through app::SegmentationPipeline (the same as the viewer); a failing case is
// reported and skipped, an existing output is skipped unless --overwrite, and
// OUTDIR/summary.json records what happened to each case. A case that needs more
// memory than --max-memory (or than is available) is refused before it is read or
// run; running out of memory inside a case fails that case only. See docs/cli.md.

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace aunet::app {

struct SegmentOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string outputDir;
  double overlap = 0.5;
  int batch = 2;
  bool tta = false;
  std::string precision = "auto";
  bool noPostprocess = false;
  bool saveProbabilities = false;
  bool saveAttention = false;
  bool stats = false;
  std::string device = "auto";
  bool overwrite = false;
  bool allowUnevenSlices = false;  // DICOM: read irregular slice spacing with its mean (warns)
  // What to write per case, comma-separated: "nifti" (<case>.nii.gz), "dicom-seg"
  // (<case>.seg.dcm), "rtstruct" (<case>.rtstruct.dcm). DICOM formats need a DICOM
  // series as input. summary.json lists each case's files under "outputs".
  std::string outputFormat = "nifti";
  // "AET@host:port": C-STORE the case's DICOM outputs there after writing them.
  std::string sendTo;
  std::string aeTitle = "AUNET";  // our own AE title when sending
  // "8G", "512M", ...: the most memory one case may need (its image plus the
  // pipeline's estimate, SegmentationPipeline::estimateMemoryBytes); larger cases fail
  // alone, before anything is allocated for them. Empty: the memory available.
  std::string maxMemory;
  std::string shard;            // "i/n"; empty: SLURM_ARRAY_TASK_ID/COUNT when set, else everything
  bool quiet = false;            // the global -q/--quiet: no progress output
  // Progress display: "auto" (a bar when stderr is a terminal, else log lines),
  // "bar", "lines" or "none".
  std::string progress = "auto";
};

void setupSegmentCommand(CLI::App& parent, SegmentOptions& options);
// Returns 0 when every case was segmented or skipped, 1 when any case failed or
// (--send-to) any case's DICOM outputs were not all stored.
// Throws core::Error for problems with the whole batch (model, output folder, no input).
int runSegmentCommand(const SegmentOptions& options, std::ostream& out);

}  // namespace aunet::app
