// aunet: command-line entry point. Parses global options, hands each subcommand its
// options struct, and turns every failure into one line on stderr and an exit code.

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include <iostream>
#include <string>

#include "app/commands/CheckDatasetCommand.h"
#include "app/commands/ConvertCommand.h"
#include "app/commands/DatasetCommand.h"
#include "app/commands/DemoCommand.h"
#include "app/commands/EchoCommand.h"
#include "app/commands/EvaluateCommand.h"
#include "app/commands/ErrorHint.h"
#include "app/commands/InfoCommand.h"
#include "app/commands/MeshCommand.h"
#include "app/commands/ModelLocator.h"
#include "app/commands/PlanCommand.h"
#include "app/commands/ReadIsolationSetup.h"
#include "app/commands/SegmentCommand.h"
#include "app/commands/SendCommand.h"
#include "app/commands/ServeCommand.h"
#include "app/commands/TrainCommand.h"
#include "app/commands/VersionInfo.h"
#include "core/HeapReuse.h"
#include "core/Error.h"
#include "core/Log.h"
#include "model/CudaBackend.h"
#include "model/DeviceSelection.h"

namespace {

// Examples for `aunet --help`, and where models are found by name.
std::string mainFooter() {
  std::string models;
  for (const auto& [name, path] : aunet::app::ModelLocator::available()) models += (models.empty() ? "" : ", ") + name;
  std::string dirs;
  for (const auto& d : aunet::app::ModelLocator::searchPath()) dirs += (dirs.empty() ? "" : ", ") + d;
  return "Examples:\n"
         "  aunet demo -o aunet-demo                 # phantom end to end: image, mask, attention maps, model\n"
         "  aunet info demo-brain                    # what a model holds (an image: its geometry)\n"
         "  aunet segment -m demo-brain -i /usr/share/mricron/templates/ch2.nii.gz -o brain/ --save-attention --stats\n"
         "  aunet evaluate --pred brain/ --ref labels/ -o report.json\n"
         "  aunet <command> --help                   # a command's options, with an example\n"
         "Models by name (-m NAME): " +
         (models.empty() ? std::string("none installed") : models) + " in " + (dirs.empty() ? "(unknown)" : dirs) +
         "; $AUNET_MODEL_PATH adds folders.\n"
         "Documentation: docs/cli.md (installed: share/doc/aunet/docs/cli.md).";
}

void printError(const std::string& message, aunet::core::ErrorKind kind = aunet::core::ErrorKind::General) {
  std::cerr << "aunet: error: " << message << "\n";
  const std::string hint = aunet::app::errorHint(kind);
  if (!hint.empty()) std::cerr << "aunet: hint: " << hint << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  aunet::core::reuseFreedMemory();  // large tensors reuse freed heap blocks instead of faulting in new pages
  aunet::model::loadCudaBackend();  // before anything asks LibTorch about CUDA
  CLI::App app{"aunet: medical image segmentation with an attention-gated U-Net (2D and 3D, CPU and CUDA)", "aunet"};
  app.set_version_flag("--version", aunet::app::versionText());
  app.require_subcommand(1);
  // Global options also after the subcommand (`aunet segment --threads 2 ...`): one
  // definition each, no per-command copies.
  app.fallthrough();
  int threads = 0;
  bool verbose = false, quiet = false;
  app.add_option("--threads", threads, "CPU threads for LibTorch (0 = all cores)")->capture_default_str();
  app.add_flag("-v,--verbose", verbose, "More log output");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors");
  double readTimeout = aunet::app::kDefaultReadTimeoutSeconds;
  bool readInProcess = false;
  app.add_option("--read-timeout", readTimeout,
                 "Seconds one image may take to read before it fails as damaged (0: no limit)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--read-in-process", readInProcess,
               "Read images in this process instead of the aunet-image-reader helper (faster by a process start "
               "per image; a decoder crashing on a damaged file then ends the run)");

  aunet::app::InfoOptions info;
  aunet::app::DemoOptions demo;
  aunet::app::SegmentOptions segment;
  aunet::app::EvaluateOptions evaluate;
  aunet::app::ConvertOptions convert;
  aunet::app::MeshOptions mesh;
  aunet::app::CheckDatasetOptions checkDataset;
  aunet::app::DatasetOptions datasetOptions;
  aunet::app::PlanOptions plan;
  aunet::app::TrainOptions train;
  aunet::app::SendOptions send;
  aunet::app::EchoOptions echo;
  aunet::app::ServeOptions serve;
  aunet::app::setupInfoCommand(app, info);
  aunet::app::setupDemoCommand(app, demo);
  aunet::app::setupSegmentCommand(app, segment);
  aunet::app::setupEvaluateCommand(app, evaluate);
  aunet::app::setupConvertCommand(app, convert);
  aunet::app::setupMeshCommand(app, mesh);
  aunet::app::setupCheckDatasetCommand(app, checkDataset);
  aunet::app::setupDatasetCommand(app, datasetOptions);
  aunet::app::setupPlanCommand(app, plan);
  aunet::app::setupTrainCommand(app, train);
  aunet::app::setupSendCommand(app, send);
  aunet::app::setupEchoCommand(app, echo);
  aunet::app::setupServeCommand(app, serve);
  app.footer(mainFooter());

  if (argc <= 1) {
    std::cout << app.help();
    return 0;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  segment.quiet = quiet;
  namespace log = aunet::core::log;
  log::setLevel(quiet ? log::Level::Warning : verbose ? log::Level::Debug : log::Level::Info);
  aunet::app::configureReadIsolation(!readInProcess, readTimeout);
  try {
    const int inEffect = aunet::model::configureThreads(threads);
    log::debug("using " + std::to_string(inEffect) + " CPU thread(s)");
    if (app.got_subcommand("info")) return aunet::app::runInfoCommand(info, std::cout);
    if (app.got_subcommand("demo")) return aunet::app::runDemoCommand(demo, std::cout);
    if (app.got_subcommand("segment")) return aunet::app::runSegmentCommand(segment, std::cout);
    if (app.got_subcommand("evaluate")) return aunet::app::runEvaluateCommand(evaluate, std::cout);
    if (app.got_subcommand("convert")) return aunet::app::runConvertCommand(convert, std::cout);
    if (app.got_subcommand("mesh")) return aunet::app::runMeshCommand(mesh, std::cout);
    if (app.got_subcommand("check-dataset")) return aunet::app::runCheckDatasetCommand(checkDataset, std::cout);
    if (app.got_subcommand("dataset"))
      return aunet::app::runDatasetCommand(app.get_subcommand("dataset")->got_subcommand("create") ? "create" : "add",
                                           datasetOptions, std::cout);
    if (app.got_subcommand("plan")) return aunet::app::runPlanCommand(plan, std::cout);
    if (app.got_subcommand("train")) return aunet::app::runTrainCommand(train, std::cout);
    if (app.got_subcommand("send")) return aunet::app::runSendCommand(send, std::cout);
    if (app.got_subcommand("echo")) return aunet::app::runEchoCommand(echo, std::cout);
    if (app.got_subcommand("serve")) return aunet::app::runServeCommand(serve, std::cout);
  } catch (const aunet::core::Error& e) {
    printError(e.what(), e.kind());
    return 1;
  } catch (const c10::Error& e) {
    printError(e.what_without_backtrace());
    return 1;
  } catch (const std::exception& e) {
    printError(e.what());
    return 1;
  }
  return 0;
}
