// The 3D view's first appearance and its frame rate: a 512x512x400 CT-sized mask with
// 10 organ-sized labels is handed to the viewer's SurfaceBuilder, which meshes it label
// by label on the viewer's TaskRunner (both cores); then the meshes are uploaded and
// the first frame drawn. Then N frames while rotating. Needs an OpenGL display
// (xvfb-run with Mesa's llvmpipe here). Prints each figure; target: first view < 3 s.
// Usage: xvfb-run -a -s "-screen 0 1280x1024x24" aunet_surface_bench [frames] [depth]

#include <QThread>
#include <QApplication>
#include <QElapsedTimer>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "core/Volume.h"
#include "gui/SurfaceBuilder.h"
#include "gui/SurfaceView.h"
#include "gui/TaskRunner.h"
#include "gui/ViewState.h"
#include "gui/ViewerDocument.h"

using namespace aunet;

namespace {

std::string cpuName() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

// Ten abdominal structures as ellipsoids (centre and semi-axes in mm), roughly the
// sizes of liver, spleen, kidneys, aorta, vena cava, pancreas, stomach, gallbladder,
// and a vertebral column segment, inside a 400 x 400 x 400 mm field of view.
struct Organ {
  double c[3], r[3];
};
const Organ kOrgans[10] = {
    {{-70, -20, 40}, {85, 70, 80}},   // liver (patient right: -x in LPS)
    {{90, 30, 60}, {35, 55, 60}},     // spleen
    {{-60, 50, -40}, {30, 30, 55}},   // right kidney
    {{60, 50, -40}, {30, 30, 55}},    // left kidney
    {{10, 20, 0}, {12, 12, 150}},     // aorta
    {{-20, 20, 0}, {14, 14, 140}},    // vena cava
    {{20, 0, 10}, {60, 15, 15}},      // pancreas
    {{50, -40, 70}, {50, 40, 45}},    // stomach
    {{-50, -50, -10}, {18, 18, 30}},  // gallbladder
    {{0, 80, 0}, {22, 22, 180}},      // vertebral column
};

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  const int frames = argc > 1 ? std::max(1, std::atoi(argv[1])) : 100;
  const int64_t depth = argc > 2 ? std::max<int64_t>(16, std::atoll(argv[2])) : 400;
  core::Geometry g;
  g.size = {512, 512, depth};
  g.spacing = {0.78, 0.78, 1.0};
  g.origin = {-200, -200, -0.5 * static_cast<double>(depth)};
  std::printf("CPU: %s, %d threads in the pool\n", cpuName().c_str(), QThread::idealThreadCount());
  std::printf("mask: %lldx%lldx%lld, spacing 0.78x0.78x1.0 mm, 10 labels\n", static_cast<long long>(g.size[0]),
              static_cast<long long>(g.size[1]), static_cast<long long>(g.size[2]));

  core::Volume image(g, 1);
  core::LabelMap mask(g);
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i) {
        const core::Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        for (int l = 0; l < 10; ++l) {
          const Organ& o = kOrgans[l];
          double s = 0;
          for (int a = 0; a < 3; ++a) s += (p[a] - o.c[a]) * (p[a] - o.c[a]) / (o.r[a] * o.r[a]);
          if (s <= 1.0) {
            mask.at(i, j, k) = static_cast<uint16_t>(l + 1);
            break;
          }
        }
      }

  gui::ViewerDocument document;
  gui::TaskRunner tasks;
  gui::SurfaceBuilder builder(&document, &tasks);
  gui::ViewState state;
  document.setImage(std::move(image), "bench");
  state.setGeometry(g);
  if (!gui::SurfaceView::openGLAvailable()) {
    std::fprintf(stderr, "aunet_surface_bench: no OpenGL on this display (run under xvfb-run)\n");
    return 1;
  }
  gui::SurfaceView view(&builder, &state, &document);
  view.resize(800, 800);
  view.show();
  QApplication::processEvents();
  std::printf("OpenGL: %s\n", view.hasContext() ? "context made" : "no context");

  // First view: mask in -> all label meshes in the scene (extraction, both cores) ->
  // upload -> first frame.
  QElapsedTimer total;
  total.start();
  document.setLabels(std::move(mask), "bench-mask");
  tasks.waitForIdle();
  const double extractMs = static_cast<double>(total.nsecsElapsed()) / 1e6;
  size_t triangles = 0;
  for (const auto& [key, mesh] : builder.scene().meshes()) triangles += mesh.triangleCount();
  view.resetCamera();
  const double uploadMs = view.uploadMs();
  const double firstFrameMs = view.drawFrameMs();
  const double firstViewMs = static_cast<double>(total.nsecsElapsed()) / 1e6;
  std::printf("meshes: %zu labels, %zu triangles\n", builder.scene().meshes().size(), triangles);
  std::printf("mesh extraction (10 labels on the TaskRunner): %8.1f ms\n", extractMs);
  std::printf("upload to the GPU (all meshes):               %8.1f ms\n", uploadMs);
  std::printf("first frame:                                  %8.1f ms\n", firstFrameMs);
  std::printf("first 3D view, total:                         %8.1f ms  (target 3000 ms: %.2fx of it)\n", firstViewMs,
              firstViewMs / 3000.0);

  std::vector<double> times;
  for (int i = 0; i < frames; ++i) {
    view.camera().rotate(8.0f, 2.0f, view.width(), view.height());
    times.push_back(view.drawFrameMs());
  }
  std::sort(times.begin(), times.end());
  double mean = 0;
  for (double t : times) mean += t / static_cast<double>(times.size());
  std::printf("draw while rotating (%d frames, 800x800): mean %.1f ms, median %.1f ms, p95 %.1f ms (%.0f fps)\n",
              frames, mean, times[times.size() / 2], times[std::min(times.size() - 1, times.size() * 95 / 100)],
              1000.0 / mean);
  return 0;
}
