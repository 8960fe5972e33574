#include "app/commands/SegmentCommand.h"

#include "app/commands/ErrorHint.h"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <new>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/commands/BatchProgress.h"
#include "app/commands/CaseCollector.h"
#include "app/commands/CaseOutputSender.h"
#include "app/commands/MemorySize.h"
#include "app/commands/ModelLocator.h"
#include "io/DicomSourceSeries.h"
#include "pipeline/DicomExport.h"
#include "pipeline/MaskFormat.h"
#include "pipeline/SegmentationPipeline.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "imaging/LabelStatistics.h"
#include "io/LabelStatisticsWriter.h"
#include "io/TextFileWriter.h"
#include "core/Error.h"
#include "core/WorkQueue.h"
#include "core/HeapReuse.h"
#include "core/Log.h"
#include "core/SystemMemory.h"
#include "model/DeviceSelection.h"

namespace aunet::app {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::string firstLine(const std::string& message) {
  const auto pos = message.find('\n');
  return pos == std::string::npos ? message : message.substr(0, pos);
}

// --shard, else the SLURM array variables (task ids relative to SLURM_ARRAY_TASK_MIN).
void resolveShard(const std::string& text, size_t& index, size_t& count) {
  index = 0;
  count = 1;
  if (!text.empty()) {
    CaseCollector::parseShard(text, index, count);
    return;
  }
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* n = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (!id || !n || !*id || !*n) return;
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  try {
    const long long first = (min && *min) ? std::stoll(min) : 0;
    CaseCollector::parseShard(std::to_string(std::stoll(id) - first) + "/" + n, index, count);
  } catch (const std::logic_error&) {
    throw core::Error(std::string("invalid SLURM_ARRAY_TASK_ID/COUNT: ") + id + "/" + n);
  }
  core::log::info("shard " + std::to_string(index) + "/" + std::to_string(count) + " from SLURM_ARRAY_TASK_ID");
}

BatchProgress::Style progressStyle(const SegmentOptions& options) {
  if (options.quiet || options.progress == "none") return BatchProgress::Style::Silent;
  if (options.progress == "bar") return BatchProgress::Style::Bar;
  if (options.progress == "lines") return BatchProgress::Style::Lines;
  if (options.progress != "auto") throw core::Error("invalid --progress '" + options.progress + "'");
  return ::isatty(::fileno(stderr)) ? BatchProgress::Style::Bar : BatchProgress::Style::Lines;
}

std::string withShardSuffix(const std::string& stem, const std::string& ext, size_t index, size_t count) {
  if (count <= 1) return stem + ext;
  return stem + "-shard" + std::to_string(index) + "-of-" + std::to_string(count) + ext;
}

// Refuses a case whose segmentation would need more than `limit` bytes (its image
// included) or, without a limit, more than the memory available now (the image is
// already held then), before the pipeline allocates anything for it.
void checkCaseMemory(const pipeline::SegmentationPipeline& pipeline, const core::Volume& image,
                     const model::SegmentationSettings& settings, uint64_t limit, const std::string& path) {
  const uint64_t imageBytes = static_cast<uint64_t>(image.voxels().size()) * sizeof(float);
  const uint64_t processing = pipeline.estimateMemoryBytes(image.geometry(), image.channels(), settings);
  const auto& g = image.geometry();
  const std::string size = std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]) + "x" + std::to_string(g.size[2]);
  if (limit != 0) {
    if (processing > limit || imageBytes + processing > limit)
      throw core::Error(path, "segmenting this " + size + " image needs about " +
                                  core::formatMebibytes(imageBytes + processing) + ", more than --max-memory " +
                                  core::formatMebibytes(limit));
    return;
  }
  const uint64_t available = core::availableMemoryBytes();
  if (available != 0 && processing > available)
    throw core::Error(path, "segmenting this " + size + " image needs about " + core::formatMebibytes(processing) +
                                " more memory, but only " + core::formatMebibytes(available) +
                                " is available (see --max-memory)");
}

}  // namespace

void setupSegmentCommand(CLI::App& parent, SegmentOptions& options) {
  auto* cmd = parent.add_subcommand(
      "segment", "Segment images, folders of images, DICOM series folders or .txt lists of them with a model file");
  cmd->footer(
      "Examples:\n"
      "  aunet segment -m demo-brain -i /usr/share/mricron/templates/ch2.nii.gz -o brain/ --save-attention --stats\n"
      "  aunet segment -m liver.aunet -i scans/ -o masks/ --device cuda --batch 8\n"
      "  aunet segment -m liver.aunet -i scans/ -o masks/ --device cuda:all   # every GPU of this node\n"
      "  aunet segment -m liver.aunet -i cases.txt -o out/ --shard 0/4   # one of 4 workers");
  cmd->add_option("-m,--model", options.model, "Model file (.aunet) or the name of an installed model (demo-brain)")
      ->required()
      ->transform(&ModelLocator::resolve);
  cmd->add_option("-i,--input", options.inputs,
                  "Image files, folders of images, DICOM series folders, or .txt files listing them")
      ->required()
      ->expected(1, -1);
  cmd->add_option("-o,--output", options.outputDir, "Output folder (<case>.nii.gz per case, summary.json)")->required();
  cmd->add_option("--output-format", options.outputFormat,
                  "What to write per case, comma-separated: nifti (<case>.nii.gz), dicom-seg (<case>.seg.dcm), "
                  "rtstruct (<case>.rtstruct.dcm); the DICOM formats need DICOM series inputs")
      ->capture_default_str();
  cmd->add_option("--overlap", options.overlap, "Sliding-window overlap, fraction of a patch in [0, 1)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.99));
  cmd->add_option("--batch", options.batch, "Windows per forward pass")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_option("--precision", options.precision,
                  "Network arithmetic: auto (bf16 autocast on CUDA and on CPUs with AVX-512 BF16 or AMX, else fp32), off (fp32 "
                  "everywhere), bf16, "
                  "fp16 (CUDA)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "off", "bf16", "fp16"}));
  cmd->add_flag("--tta", options.tta, "Test-time augmentation: average over mirrored inputs (4x in 2D, 8x in 3D)");
  cmd->add_flag("--no-postprocess", options.noPostprocess,
                "Do not keep only the largest connected component of the labels the model's plan lists");
  cmd->add_flag("--save-probabilities", options.saveProbabilities,
                "Also write <case>_prob.nii.gz (one float channel per class)");
  cmd->add_flag("--save-attention", options.saveAttention,
                "Also write <case>_attention_level<l>.nii.gz (each gate's alpha map on the input grid)");
  cmd->add_flag("--stats", options.stats,
                "Also write <case>_stats.json per case and statistics.csv (volume, mean intensity, bounding box per label)");
  cmd->add_option("--device", options.device,
                  "auto, cpu, cuda, cuda:N, cuda:all (every GPU, cases spread over them by a work queue) or a comma "
                  "list of devices, one worker each")
      ->capture_default_str();
  cmd->add_flag("--allow-uneven-slices", options.allowUnevenSlices,
                "Read DICOM series with missing or unevenly spaced slices using their mean spacing (warns)");
  cmd->add_flag("--overwrite", options.overwrite, "Segment cases whose <case>.nii.gz exists (default: skip them)");
  cmd->add_option("--max-memory", options.maxMemory,
                  "Most memory one case may need, e.g. 8G or 512M (default: what the machine has available). "
                  "A case fails alone: while its header is read when its voxel buffers exceed it, after reading and "
                  "before it runs when the image plus the pipeline's estimate does");
  cmd->add_option("--shard", options.shard,
                  "Process only cases i, i+n, i+2n, ... (i/n, 0-based); default from SLURM_ARRAY_TASK_ID/COUNT");
  cmd->add_option("--progress", options.progress, "auto (bar on a terminal, else log lines), bar, lines or none")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "bar", "lines", "none"}));
  cmd->add_option("--send-to", options.sendTo,
                  "C-STORE each case's DICOM outputs to AET@host:port once written (they stay on disk too)");
  cmd->add_option("--ae-title", options.aeTitle, "Our own AE title when sending (--send-to)")->capture_default_str();
}

int runSegmentCommand(const SegmentOptions& options, std::ostream& out) {
  const auto batchStart = Clock::now();
  if (options.quiet) core::log::setLevel(core::log::Level::Warning);
  if (!(options.overlap >= 0.0 && options.overlap < 1.0))
    throw core::Error("invalid --overlap " + std::to_string(options.overlap) + ": must be in [0, 1)");
  if (options.batch < 1) throw core::Error("invalid --batch " + std::to_string(options.batch) + ": must be at least 1");
  if (options.outputDir.empty()) throw core::Error("no output folder given (-o)");
  const uint64_t memoryLimit = options.maxMemory.empty() ? 0 : parseMemorySize(options.maxMemory, "--max-memory");
  size_t shardIndex = 0, shardCount = 1;
  resolveShard(options.shard, shardIndex, shardCount);
  const BatchProgress::Style style = progressStyle(options);
  // One worker per device (--device cuda:all: every GPU), fed by one queue of cases.
  const std::vector<std::string> devices = model::expandDevices(options.device);  // a bad --device fails before any work
  const pipeline::MaskFormats formats = pipeline::parseMaskFormats(options.outputFormat);
  checkSendTo(options);

  const std::vector<InputCase> all = CaseCollector::collect(options.inputs);
  if (all.empty()) throw core::Error(core::ErrorKind::NoInputImages, "-i", "no input images found in the given inputs");
  const std::vector<InputCase> cases = CaseCollector::shard(all, shardIndex, shardCount);
  // A DICOM object needs the DICOM series it references: refuse other inputs before any work.
  if (formats.anyDicom())
    for (const InputCase& c : cases)
      if (!io::isDicomInput(c.path))
        throw core::Error(c.path, "--output-format " + options.outputFormat +
                                      " writes DICOM objects that reference the input series, but this input is not "
                                      "a DICOM series (use --output-format nifti)");

  // The model first: a broken model file stops the batch before anything is created.
  // Each further worker holds its own copy for its own device.
  std::vector<std::unique_ptr<pipeline::SegmentationPipeline>> pipelines;
  pipelines.push_back(std::make_unique<pipeline::SegmentationPipeline>(options.model));
  const size_t workers = std::min(devices.size(), std::max<size_t>(cases.size(), 1));
  while (pipelines.size() < workers) pipelines.push_back(std::make_unique<pipeline::SegmentationPipeline>(options.model));
  pipeline::SegmentationPipeline& pipeline = *pipelines[0];
  const fs::path dir(options.outputDir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw core::Error(options.outputDir, "cannot create the output folder: " + ec.message());
  const model::ModelMetadata& meta = pipeline.metadata();
  model::SegmentationSettings settings;
  settings.device = options.device;
  settings.overlap = options.overlap;
  settings.batch = options.batch;
  settings.testTimeAugmentation = options.tta;
  settings.precision = options.precision;
  settings.postprocess = !options.noPostprocess;
  settings.withAttention = options.saveAttention;
  settings.withProbabilities = options.saveProbabilities;

  // Label names and colours once per folder: NIfTI masks cannot carry them.
  nlohmann::json labels = nlohmann::json::array();
  std::map<int, std::string> labelNames;
  for (const auto& l : meta.labels) {
    labels.push_back(l.toJson());
    if (l.value != 0) labelNames[l.value] = l.name;
  }
  io::writeTextFile((dir / "labels.json").string(), labels.dump(2) + "\n");

  const std::string summaryPath = (dir / withShardSuffix("summary", ".json", shardIndex, shardCount)).string();
  nlohmann::json summary{{"model", options.model},
                         {"device", options.device},
                         {"settings",
                          {{"overlap", options.overlap},
                           {"batch", options.batch},
                           {"tta", options.tta},
                           {"precision", options.precision},
                           {"postprocess", !options.noPostprocess},
                           {"save_probabilities", options.saveProbabilities},
                           {"save_attention", options.saveAttention},
                           {"stats", options.stats},
                           {"output_format", options.outputFormat},
                           {"max_memory_bytes", memoryLimit}}},
                         {"shard", std::to_string(shardIndex) + "/" + std::to_string(shardCount)},
                         {"finished", false},
                         {"cases", nlohmann::json::array()}};
  for (const auto& c : cases)
    summary["cases"].push_back({{"case", c.name}, {"input", c.path}, {"status", "pending"}});
  auto writeSummary = [&] { io::writeTextFile(summaryPath, summary.dump(2) + "\n"); };
  writeSummary();

  BatchProgress progressBar(std::cerr, cases.size(), style);
  std::vector<std::optional<imaging::CaseStatistics>> statisticsByCase(cases.size());
  size_t done = 0, skipped = 0, failed = 0, notSent = 0;
  double networkSeconds = 0.0;
  std::mutex shared;  // summary, counters and the progress display, between workers
  if (workers > 1) core::log::info("segmenting on " + std::to_string(workers) + " devices, one worker each");
  core::runWorkQueue(cases.size(), workers, [&](size_t worker, size_t i) {
    // The progress display shows one case at a time: the latest any worker reports.
    struct LockedProgress {
      BatchProgress& bar;
      std::mutex& mutex;
      void startCase(size_t index, const std::string& name) { std::lock_guard<std::mutex> l(mutex); bar.startCase(index, name); }
      void update(double f, const std::string& stage) { std::lock_guard<std::mutex> l(mutex); bar.update(f, stage); }
      void finishCase(const std::string& status, double seconds, const std::string& detail) {
        std::lock_guard<std::mutex> l(mutex);
        bar.finishCase(status, seconds, detail);
      }
    } progress{progressBar, shared};
    pipeline::SegmentationPipeline& pipeline = *pipelines[worker];
    model::SegmentationSettings settingsHere = settings;
    settingsHere.device = devices[worker];
    const InputCase& c = cases[i];
    nlohmann::json entry;
    {
      std::lock_guard<std::mutex> lock(shared);
      entry = summary["cases"][i];
    }
    if (!c.dicomSeries.empty()) entry["dicom_series"] = c.dicomSeries;
    // The file written last marks the case complete (NIfTI when asked for).
    const std::string maskPath = (dir / (c.name + pipeline::fileSuffix(formats.last()))).string();
    const std::string probPath = (dir / (c.name + "_prob.nii.gz")).string();
    const std::string statsPath = (dir / (c.name + "_stats.json")).string();
    std::vector<std::string> outputs;
    io::ReadOptions readOptions;
    readOptions.dicomSeriesUid = c.dicomSeries;
    readOptions.memoryLimitBytes = memoryLimit;
    readOptions.allowUnevenSlices = options.allowUnevenSlices;
    progress.startCase(i, c.name);
    const auto caseStart = Clock::now();
    try {
      if (!options.overwrite && fs::exists(maskPath)) {
        // The mask is written last, so its presence means the case completed.
        for (const auto& entryFile : fs::directory_iterator(dir)) {
          const std::string f = entryFile.path().filename().string();
          bool isMask = false;
          for (pipeline::MaskFormat format : formats.list) isMask = isMask || f == c.name + pipeline::fileSuffix(format);
          if (isMask || f.rfind(c.name + "_prob.", 0) == 0 ||
              f.rfind(c.name + "_attention_level", 0) == 0 || f == c.name + "_stats.json")
            outputs.push_back(entryFile.path().string());
        }
        std::sort(outputs.begin(), outputs.end());
        if (options.stats) {  // the batch CSV covers resumed cases too
          try {
            const core::LabelMap mask = io::readLabelMap(maskPath);
            const core::Volume image = io::readImage(c.path, readOptions);
            const core::Volume* onGrid = image.geometry().sameGrid(mask.geometry()) ? &image : nullptr;
            statisticsByCase[i] = imaging::computeCaseStatistics(c.name, mask, onGrid, labelNames);
          } catch (const std::exception& e) {
            core::log::warning(c.name + ": no statistics for the existing mask: " + firstLine(e.what()));
          }
        }
        entry["status"] = "skipped";
        entry["outputs"] = outputs;
        {
          std::lock_guard<std::mutex> lock(shared);
          ++skipped;
        }
        progress.finishCase("skipped", 0.0, "output exists");
      } else {
        const core::Volume image = io::readImage(c.path, readOptions);
        for (const auto& w : image.metadata().warnings) core::log::warning(c.path + ": " + w);
        // The series' references before the work, so a series that cannot be
        // referenced fails here rather than after the network ran.
        io::DicomSourceSeries source;
        if (formats.anyDicom()) {
          source = io::readDicomSourceSeries(c.path, readOptions);
          for (const auto& w : source.warnings) core::log::warning(c.path + ": " + w);
          // The grid the mask will be on (the header-derived one may differ by rounding;
          // a tilted series keeps its own: the mask is sampled onto its slices).
          if (!source.tilted) source.geometry = image.geometry();
        }
        checkCaseMemory(pipeline, image, settingsHere, memoryLimit, c.path);
        progress.update(0.0, "preprocessing");
        model::SegmentationResult result =
            pipeline.segment(image, settingsHere, [&](double f, const std::string& stage) { progress.update(f, stage); });
        progress.update(1.0, "writing");
        if (options.saveProbabilities) {
          io::WriteOptions floatOutput;
          floatOutput.keepIntegerType = false;
          io::writeImage(result.probabilities, probPath, floatOutput);
          outputs.push_back(probPath);
        }
        if (options.saveAttention)
          for (size_t a = 0; a < result.attention.size(); ++a) {
            const std::string path =
                (dir / (c.name + "_attention_level" + std::to_string(result.attentionLevels[a]) + ".nii.gz")).string();
            io::writeImage(result.attention[a], path);
            outputs.push_back(path);
          }
        if (options.stats) {
          imaging::CaseStatistics statistics = imaging::computeCaseStatistics(c.name, result.labels, &image, labelNames);
          io::writeLabelStatisticsJson(statistics, statsPath);
          outputs.push_back(statsPath);
          statisticsByCase[i] = std::move(statistics);
        }
        // Masks last, the completion marker (maskPath) the very last.
        std::vector<std::string> maskFiles;
        const std::vector<io::DicomSegment> segments =
            formats.anyDicom() ? pipeline::dicomSegmentsFor(result.labels, meta.labels) : std::vector<io::DicomSegment>{};
        const io::DicomAlgorithm algorithm =
            pipeline::dicomAlgorithmFor(fs::path(options.model).stem().string(), meta.provenance.created, true);
        std::vector<pipeline::MaskFormat> order = formats.list;
        std::stable_partition(order.begin(), order.end(), [&](pipeline::MaskFormat f) { return f != formats.last(); });
        for (pipeline::MaskFormat format : order) {
          const std::string path = (dir / (c.name + pipeline::fileSuffix(format))).string();
          if (format == pipeline::MaskFormat::Nifti)
            io::writeLabelMap(result.labels, path);
          else if (segments.empty())
            core::log::warning(c.name + ": the mask is empty; no " + pipeline::toString(format) + " written");
          else
            pipeline::writeDicomMask(format, pipeline::maskOnSourceSlices(result.labels, source), source, segments,
                                     algorithm, path);
          if (fs::exists(path)) maskFiles.push_back(path);
        }
        outputs.insert(outputs.begin(), maskFiles.begin(), maskFiles.end());
        const double seconds = secondsSince(caseStart);
        entry["status"] = "done";
        entry["seconds"] = seconds;
        entry["network_seconds"] = result.networkSeconds;
        entry["outputs"] = outputs;
        const bool sent = sendCaseOutputs(options, c.name, outputs, entry);
        {
          std::lock_guard<std::mutex> lock(shared);
          networkSeconds += result.networkSeconds;
          notSent += sent ? 0 : 1;
          ++done;
        }
        std::ostringstream detail;
        detail << "network " << std::fixed << std::setprecision(1) << result.networkSeconds << " s";
        progress.finishCase("done", seconds, detail.str());
      }
    } catch (const std::exception& e) {
      // Outputs of a failed case would look complete to a rerun only if the mask
      // existed, which it cannot; remove the others so the folder stays honest.
      std::error_code removeError;
      for (const auto& path : outputs) fs::remove(path, removeError);
      const std::string reason =
          dynamic_cast<const std::bad_alloc*>(&e) ? c.path + ": out of memory" : firstLine(e.what());
      const double seconds = secondsSince(caseStart);
      entry["status"] = "failed";
      entry["seconds"] = seconds;
      entry["error"] = reason;
      // What to do about it, where the fix is known (by the error's kind).
      if (const auto* error = dynamic_cast<const core::Error*>(&e))
        if (const std::string hint = errorHint(error->kind()); !hint.empty()) entry["hint"] = hint;
      entry.erase("outputs");
      {
        std::lock_guard<std::mutex> lock(shared);
        ++failed;
      }
      progress.finishCase("failed", seconds, reason);
    }
    {
      std::lock_guard<std::mutex> lock(shared);
      summary["cases"][i] = entry;
      writeSummary();
    }
    // The case's tensors were freed into the heap (main.cpp's heap policy); handing the
    // free pages back between cases keeps a batch of thousands of studies from growing
    // by fragmentation, for the price of one window's page faults in the next case.
    core::releaseFreedMemory();
  });
  progressBar.finish();
  std::vector<imaging::CaseStatistics> batchStatistics;
  for (auto& st : statisticsByCase)
    if (st) batchStatistics.push_back(std::move(*st));

  std::string statisticsPath;
  if (options.stats && !batchStatistics.empty()) {
    statisticsPath = (dir / withShardSuffix("statistics", ".csv", shardIndex, shardCount)).string();
    io::writeLabelStatisticsCsv(batchStatistics, statisticsPath);
  }
  const double total = secondsSince(batchStart);
  summary["finished"] = true;
  summary["counts"] = {{"done", done}, {"skipped", skipped}, {"failed", failed}};
  summary["seconds"] = total;
  summary["network_seconds"] = networkSeconds;
  if (workers > 1) {
    nlohmann::json used = nlohmann::json::array();
    for (size_t w = 0; w < workers; ++w) used.push_back(pipelines[w]->deviceDescription());
    summary["device_used"] = used;
  } else {
    summary["device_used"] = pipeline.deviceDescription();
  }
  if (!statisticsPath.empty()) summary["statistics"] = statisticsPath;
  writeSummary();

  out << "Segmented " << cases.size() << " case(s)";
  if (shardCount > 1) out << " (shard " << shardIndex << "/" << shardCount << " of " << all.size() << ")";
  out << " in " << BatchProgress::formatDuration(total) << ": " << done << " done, " << skipped << " skipped, " << failed
      << " failed\n";
  for (const auto& entry : summary["cases"])
    if (entry["status"] == "failed")
      out << "  FAILED " << entry["case"].get<std::string>() << ": " << entry["error"].get<std::string>() << "\n";
  if (notSent > 0) out << "  NOT SENT: " << notSent << " case(s)' DICOM outputs were not all stored at " << options.sendTo << "\n";
  out << "Summary: " << summaryPath << "\n";
  return failed > 0 || notSent > 0 ? 1 : 0;
}

}  // namespace aunet::app
