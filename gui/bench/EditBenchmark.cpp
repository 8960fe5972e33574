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

  const double w = view->width(), h = view->height();
  // Peer: a repaint of the same view with its slice re-rendered but nothing edited.
  std::vector<double> plain;
  for (int n = 0; n < 50; ++n) {
    const double t0 = nowMs();
    view->invalidateContent();
    view->repaint();
    plain.push_back(nowMs() - t0);
  }
  // The stroke: left to right and back across the middle of the slice, a few pixels a move.
  std::vector<double> perMove;
  const double y = h / 2;
  send(view, QEvent::MouseButtonPress, {w * 0.2, y}, Qt::LeftButton);
  for (int n = 0; n < moves; ++n) {
    const double phase = static_cast<double>(n % 200) / 200.0;
    const double x = w * (0.2 + 0.6 * (phase < 0.5 ? 2 * phase : 2 - 2 * phase));
    const double t0 = nowMs();
    send(view, QEvent::MouseMove, {x, y + (n / 200) * 6.0}, Qt::LeftButton);
    view->repaint();  // what the event loop would paint before the next move
    perMove.push_back(nowMs() - t0);
  }
  send(view, QEvent::MouseButtonRelease, {w * 0.2, y}, Qt::NoButton);
  const Summary s = summarize(perMove), p = summarize(plain);
  std::printf("aunet_edit_bench: brush %.0f mm on a 512x512x%lld CT (0.7 x 0.7 x 1.25 mm), axial view %dx%d px, %d moves\n",
              brushMm, static_cast<long long>(depth), view->width(), view->height(), moves);
  std::printf("stroke move + repaint  mean %6.2f ms  p95 %6.2f ms  worst %6.2f ms\n", s.mean, s.p95, s.worst);
  std::printf("plain repaint (peer)   mean %6.2f ms  p95 %6.2f ms  worst %6.2f ms\n", p.mean, p.p95, p.worst);
  std::printf("ratio stroke/plain %.2f;  p95 vs one 60 Hz frame (16.7 ms): %.2f -> %s\n", s.mean / p.mean, s.p95 / 16.7,
              s.p95 <= 16.7 ? "within a frame" : "OVER a frame");
  std::printf("undo: %zu entr%s, %.1f MB held; voxels of label 2 now: %lld\n", window.controller().history().size(),
              window.controller().history().size() == 1 ? "y" : "ies",
              static_cast<double>(window.controller().history().memoryBytes()) / (1 << 20),
              static_cast<long long>(window.document().labels()->count(2)));
  return 0;
}
