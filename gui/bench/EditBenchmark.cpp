// Times a brush stroke in the real window (offscreen): a 512x512xDEPTH CT-like image
// with a mask, the axial view maximized, the brush dragged across the slice by mouse
// events sent to the view, and after every move the views whose slice the dab
// crossed repainted at once (what the user sees before the next move). Prints the
// time per move (mean, 95th percentile, worst) next to its peer, one plain repaint of
// the same view without an edit, and the ratio to a 60 Hz frame (16.7 ms).
// Usage: aunet_edit_bench [moves] [depth] [brush mm]   (defaults 300, 400, 10)

#include <QApplication>
#include <QDir>
#include <QMouseEvent>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/Phantom.h"
#include "gui/MainWindow.h"
#include "gui/SliceView.h"

using namespace aunet;

namespace {

// CPU time of this thread: on a loaded machine wall time also counts waiting for a core.
double cpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double nowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void send(QWidget* w, QEvent::Type type, QPointF at, Qt::MouseButtons buttons) {
  QMouseEvent e(type, at, w->mapToGlobal(at), type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons,
                Qt::NoModifier);
  QApplication::sendEvent(w, &e);
}

struct Summary {
  double mean, p95, worst;
};

Summary summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  return {sum / static_cast<double>(v.size()), v[std::min(v.size() - 1, v.size() * 95 / 100)], v.back()};
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  const int moves = argc > 1 ? std::max(10, std::atoi(argv[1])) : 300;
  const int64_t depth = argc > 2 ? std::max(8, std::atoi(argv[2])) : 400;
  const double brushMm = argc > 3 ? std::atof(argv[3]) : 10.0;
  core::Geometry g;
  g.size = {512, 512, depth};
  g.spacing = {0.7, 0.7, 1.25};
  core::Phantom phantom = core::Phantom::ellipsoids(g, 11, 5.0);

  gui::MainWindow window({}, std::make_unique<gui::ViewerSettings>(QDir::temp().filePath("aunet-edit-bench.ini")));
  window.setInteractive(false);
  window.resize(1400, 1000);
  window.show();
  window.controller().adoptImage(std::move(phantom.image), "/tmp/aunet-edit-bench-ct.nii.gz");
  window.controller().replaceMask(std::move(phantom.labels), "", "Phantom mask");
  window.waitForBackgroundJobs(60000);
  window.maximizeView(gui::ViewAxis::Axial);
  QApplication::processEvents();
  gui::SliceView* view = window.view(gui::ViewAxis::Axial);
  gui::MaskEditor& editor = window.controller().editor();
  editor.setTool(gui::EditTool::Brush);
  editor.setActiveLabel(2);
  editor.setBrushDiameterMm(brushMm);

  // Peer: a repaint of the same view with its slice re-rendered but nothing edited.
  std::vector<double> plain, plainCpu;
  for (int n = 0; n < 50; ++n) {
    const double t0 = nowMs(), c0 = cpuMs();
    view->invalidateContent();
    view->repaint();
    plain.push_back(nowMs() - t0);
    plainCpu.push_back(cpuMs() - c0);
  }
  // The stroke: sweeps left to right and back across the slice, 50 moves a sweep, each
  // sweep a brush width lower, so that every move paints voxels not painted before.
  std::vector<double> perMove, perMoveCpu;
  // Positions in slice pixels (voxels), mapped to the widget as the view draws them.
  const double sweepStep = std::max(2.0, brushMm / g.spacing[1]);
  const auto at = [&](int n) {
    const int sweep = n / 50;
    const double phase = static_cast<double>(n % 50) / 49.0;
    const double x = 512 * (0.15 + 0.7 * (sweep % 2 == 0 ? phase : 1.0 - phase));
    return view->toWidget({x, 512 * 0.1 + sweep * sweepStep});
  };
  const int64_t before = window.document().labels()->count(2);
  send(view, QEvent::MouseButtonPress, at(0), Qt::LeftButton);
  for (int n = 1; n <= moves; ++n) {
    const double t0 = nowMs(), c0 = cpuMs();
    send(view, QEvent::MouseMove, at(n), Qt::LeftButton);
    view->repaint();  // what the event loop would paint before the next move
    perMove.push_back(nowMs() - t0);
    perMoveCpu.push_back(cpuMs() - c0);
  }
  send(view, QEvent::MouseButtonRelease, at(moves), Qt::NoButton);
  const Summary s = summarize(perMove), p = summarize(plain);
  const Summary sc = summarize(perMoveCpu), pc = summarize(plainCpu);
  std::printf("aunet_edit_bench: brush %.0f mm on a 512x512x%lld CT (0.7 x 0.7 x 1.25 mm), axial view %dx%d px, %d moves\n",
              brushMm, static_cast<long long>(depth), view->width(), view->height(), moves);
  std::printf("stroke move + repaint  CPU mean %6.2f ms  p95 %6.2f ms  worst %6.2f ms | wall mean %6.2f  p95 %6.2f  worst %6.2f\n",
              sc.mean, sc.p95, sc.worst, s.mean, s.p95, s.worst);
  std::printf("plain repaint (peer)   CPU mean %6.2f ms  p95 %6.2f ms  worst %6.2f ms | wall mean %6.2f  p95 %6.2f  worst %6.2f\n",
              pc.mean, pc.p95, pc.worst, p.mean, p.p95, p.worst);
  std::printf("ratio stroke/plain (CPU means) %.2f;  CPU p95 vs one 60 Hz frame (16.7 ms): %.2f -> %s\n", sc.mean / pc.mean,
              sc.p95 / 16.7, sc.p95 <= 16.7 ? "within a frame" : "OVER a frame");
  std::printf("undo: %zu entr%s, %.1f MB held; voxels painted by the stroke: %lld (%.0f a move)\n",
              window.controller().history().size(), window.controller().history().size() == 1 ? "y" : "ies",
              static_cast<double>(window.controller().history().memoryBytes()) / (1 << 20),
              static_cast<long long>(window.document().labels()->count(2) - before),
              static_cast<double>(window.document().labels()->count(2) - before) / moves);
  return 0;
}
