#include "app/commands/ServeCommand.h"

#include <CLI/CLI.hpp>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <ostream>
#include <thread>

#include "app/commands/CaseOutputSender.h"
#include "app/commands/ModelLocator.h"
#include "app/commands/StudyProcessor.h"
#include "core/Error.h"
#include "core/Log.h"
#include "io/DicomPeer.h"
#include "io/DicomStorageServer.h"
#include "model/DeviceSelection.h"
#include "pipeline/DicomSeriesQueue.h"
#include "pipeline/MaskFormat.h"
#include "pipeline/SegmentationPipeline.h"

namespace aunet::app {

namespace {

// "2026-12-07 17:23:46 ": the node's lines are read later, next to the PACS's logs.
std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S ", &local);
  return text;
}

}  // namespace

void setupServeCommand(CLI::App& parent, ServeOptions& options) {
  auto* cmd = parent.add_subcommand(
      "serve", "Run a DICOM node: receive series (C-STORE), segment each, send the results to a PACS");
  cmd->footer(
      "Examples:\n"
      "  aunet serve --port 11112 --ae-title AUNET -m liver.aunet --send-to ORTHANC@pacs.example.org:4242\n"
      "  aunet serve --port 11112 -m ct-organs.aunet --send-to PACS@10.0.0.5:104 --output-format dicom-seg,rtstruct \\\n"
      "              --queue /var/lib/aunet/queue --quiet-seconds 10\n"
      "The PACS must know this node (AE title, host, port) to push studies to it. Stop with Ctrl-C or SIGTERM.");
  cmd->add_option("--port", options.port, "TCP port to listen on")->required()->check(CLI::Range(1, 65535));
  cmd->add_option("--ae-title", options.aeTitle, "This node's AE title (the called AE title senders use)")
      ->capture_default_str();
  cmd->add_option("-m,--model", options.model, "Model file (.aunet) or the name of an installed model")
      ->required()
      ->transform(&ModelLocator::resolve);
  cmd->add_option("--send-to", options.sendTo,
                  "Where the results go, as AET@host:port (without it they stay in <queue>/done/)");
  cmd->add_option("--output-format", options.outputFormat, "dicom-seg, rtstruct or both, comma-separated")
      ->capture_default_str();
  cmd->add_option("--queue", options.queue, "Folder of the queue on disk (kept across restarts)")->capture_default_str();
  cmd->add_option("--quiet-seconds", options.quietSeconds,
                  "A series counts as complete when nothing arrived for it for this long")
      ->capture_default_str()
      ->check(CLI::Range(0.5, 3600.0));  // shorter would split series that arrive at a normal pace
  cmd->add_option("--device", options.device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  cmd->add_flag("--allow-uneven-slices", options.allowUnevenSlices,
                "Segment series with missing or unevenly spaced slices using their mean spacing (warns)");
  cmd->add_option("--timeout", options.timeoutSeconds, "Seconds a peer may stay silent inside an association")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
}

int runServeCommand(const ServeOptions& options, std::ostream& out) {
  namespace log = core::log;
  // Everything the node will need is checked before it listens.
  io::checkAeTitle(options.aeTitle, "--ae-title");
  SegmentOptions check;
  check.outputFormat = options.outputFormat;
  check.sendTo = options.sendTo;
  check.aeTitle = options.aeTitle;
  pipeline::parseMaskFormats(options.outputFormat);
  checkSendTo(check);
  model::selectDevice(options.device);
  std::string expectedModality;
  {
    const pipeline::SegmentationPipeline pipeline(options.model);  // a broken model stops here
    if (pipeline.metadata().plan.normalization.scheme == "ct") expectedModality = "CT";
  }
  pipeline::DicomSeriesQueue queue(options.queue,
                                   std::chrono::milliseconds(static_cast<long long>(options.quietSeconds * 1000.0)));

  // SIGINT/SIGTERM are taken by sigwait() below, not by a handler: every thread started
  // from here on inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  ::signal(SIGPIPE, SIG_IGN);  // a peer that hangs up is an error on that association only

  io::DicomStorageServerOptions serverOptions;
  serverOptions.port = options.port;
  serverOptions.aeTitle = options.aeTitle;
  serverOptions.incomingDir = queue.incomingDir();
  serverOptions.timeoutSeconds = options.timeoutSeconds;
  std::unique_ptr<io::DicomStorageServer> server;
  try {
    server = std::make_unique<io::DicomStorageServer>(serverOptions, [&queue](const io::ReceivedInstance& r) {
      if (!r.problem.empty()) {
        queue.add(r.file, "", "", "");  // kept in failed/unsorted/ for a look; the sender hears a failure
        return r.problem;
      }
      if (r.studyInstanceUid.empty() || r.seriesInstanceUid.empty())
        log::warning("DICOM node: " + (r.sopInstanceUid.empty() ? std::string("an instance") : r.sopInstanceUid) +
                     " from " + r.callingAeTitle + " has no Study or Series Instance UID; set aside in " +
                     queue.root() + "/failed/unsorted");
      queue.add(r.file, r.studyInstanceUid, r.seriesInstanceUid, r.sopInstanceUid);
      return std::string();
    });
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    throw;
  }
  const StudyProcessor processor(options, expectedModality);
  out << timestamp() << "aunet DICOM node " << options.aeTitle << " listening on port " << options.port << "; queue "
      << options.queue << " (" << queue.waitingSeries() << " series waiting); results "
      << (options.sendTo.empty() ? "stay in " + options.queue + "/done" : "go to " + options.sendTo) << std::endl;

  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable wake;
  std::thread receiver([&] {
    try {
      server->run();
    } catch (const std::exception& e) {
      log::error(std::string("DICOM node: the receiver stopped: ") + e.what());
    }
    if (!stopping) ::kill(::getpid(), SIGTERM);  // no receiver, no node: stop the rest too
  });
  std::thread worker([&] {
    while (!stopping) {
      std::optional<pipeline::DicomSeriesQueue::Study> study;
      try {
        study = queue.takeReadyStudy();
      } catch (const std::exception& e) {
        log::error(std::string("DICOM node: queue: ") + e.what());
      }
      if (!study) {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait_for(lock, std::chrono::milliseconds(250), [&] { return stopping.load(); });
        continue;
      }
      const std::string line = processor.process(queue, *study);
      out << timestamp() << line << std::endl;
    }
  });

  int signal = 0;
  sigwait(&signals, &signal);
  out << timestamp() << "aunet DICOM node: " << (signal == SIGINT ? "SIGINT" : "SIGTERM")
      << ": stopping after the study in progress" << std::endl;
  stopping = true;
  server->stop();
  wake.notify_all();
  receiver.join();
  worker.join();
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  out << timestamp() << "aunet DICOM node: stopped (" << queue.waitingSeries() << " series left in the queue)" << std::endl;
  return 0;
}

}  // namespace aunet::app
