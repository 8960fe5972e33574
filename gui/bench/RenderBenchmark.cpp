// Times what the viewer does per frame: one 512x512 slice through a window/level,
// a filled label overlay and an attention heat overlay. Prints ms per frame for each
// view (axial walks memory contiguously, coronal/sagittal stride through it).
// Usage: aunet_gui_bench [frames] [depth]   (512x512xdepth volume, default 512;
// target: < 10 ms per frame)

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "gui/SliceRenderer.h"
#include "core/Phantom.h"

using namespace aunet;

namespace {

// CPU time of this thread: on a loaded machine wall time also counts waiting for a core.
double threadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
  core::Geometry g;
  const int64_t depth = argc > 2 ? std::max(8, std::atoi(argv[2])) : 512;
  g.size = {512, 512, depth};
  g.spacing = {0.8, 0.8, 0.8};
  const core::Phantom phantom = core::Phantom::ellipsoids(g, 7, 5.0);
  core::Volume heat(g, 1);
  // A smooth attention-like map in [0, 1] so the heat overlay draws on about half the pixels.
  for (int64_t k = 0; k < g.size[2]; ++k)
    for (int64_t j = 0; j < g.size[1]; ++j)
      for (int64_t i = 0; i < g.size[0]; ++i)
        heat.at(i, j, k) = static_cast<float>(0.5 + 0.5 * std::sin(i * 0.02) * std::cos(j * 0.015 + k * 0.01));
  const auto palette = model::LabelInfo::defaults(3);
  const gui::LabelOverlayStyle labelStyle;
  const gui::HeatOverlayStyle heatStyle;
  const gui::WindowLevel window{60.0, 160.0};

  std::printf("aunet_gui_bench: slices of a 512x512x%lld volume, image + labels + attention, %d frames\n",
              static_cast<long long>(depth), frames);
  double worst = 0.0;
  for (gui::ViewAxis axis : {gui::ViewAxis::Axial, gui::ViewAxis::Coronal, gui::ViewAxis::Sagittal}) {
    const gui::SliceGeometry s = gui::SliceGeometry::forView(g, axis);
    int64_t checksum = 0;
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = threadCpuMs();
    for (int f = 0; f < frames; ++f) {
      const int64_t index = (s.depth / 4) + f % (s.depth / 2);  // scroll through the middle, as a user does
      QImage img = gui::SliceRenderer::renderImage(phantom.image, s, index, window);
      gui::SliceRenderer::overlayLabels(img, phantom.labels, s, index, palette, labelStyle);
      gui::SliceRenderer::overlayHeat(img, heat, s, index, heatStyle);
      checksum += qRed(img.pixel(256, 256));
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / frames;
    const double cpuMs = (threadCpuMs() - cpuStart) / frames;
    worst = std::max(worst, cpuMs);
    const char* name = axis == gui::ViewAxis::Axial ? "axial" : axis == gui::ViewAxis::Coronal ? "coronal" : "sagittal";
    std::printf("%-9s %lldx%lld %7.2f ms/frame CPU  %7.2f ms/frame wall  (checksum %lld)\n", name, static_cast<long long>(s.width), static_cast<long long>(s.height), cpuMs, ms,
                static_cast<long long>(checksum));
  }
  std::printf("worst     %7.2f ms/frame CPU  target < 10 ms: %s\n", worst, worst < 10.0 ? "met" : "NOT met");
  return 0;
}
