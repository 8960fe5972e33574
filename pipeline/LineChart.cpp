#include "pipeline/LineChart.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "io/TextFileWriter.h"
#include "core/Error.h"

namespace aunet::pipeline {

namespace {

// Tableau-like colours (BGR), distinct on white.
const cv::Scalar kColours[] = {{180, 119, 31}, {14, 127, 255}, {44, 160, 44}, {40, 39, 214}, {189, 103, 148},
                               {75, 86, 140},  {194, 119, 227}, {127, 127, 127}, {34, 189, 188}, {207, 190, 23}};

std::string formatTick(double v, double step) {
  char text[32];
  std::snprintf(text, sizeof text, step >= 1 ? "%.0f" : step >= 0.1 ? "%.1f" : "%.2f", v);
  return text;
}

// 1, 2 or 5 times a power of ten, about range / 5: ticks people can read.
double niceStep(double range) {
  const double raw = range / 5.0;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * power >= raw) return m * power;
  return 10.0 * power;
}

struct XRange {
  double min, max;
  bool integral;  // every x is a whole number
};

void drawPanel(cv::Mat& canvas, const ChartPanel& panel, int top, int width, int height, XRange x) {
  const int left = 70, right = 170, headroom = 32, bottom = 44;
  const cv::Rect plot(left, top + headroom, width - left - right, height - headroom - bottom);
  const auto font = cv::FONT_HERSHEY_SIMPLEX;
  cv::putText(canvas, panel.title, {left, top + 22}, font, 0.6, {0, 0, 0}, 1, cv::LINE_AA);

  double xMin = std::numeric_limits<double>::infinity(), xMax = -xMin, yMin = xMin, yMax = -xMin;
  for (const auto& s : panel.series)
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
        xMin = std::min(xMin, s.x[i]), xMax = std::max(xMax, s.x[i]);
        yMin = std::min(yMin, s.y[i]), yMax = std::max(yMax, s.y[i]);
      }
  if (!std::isfinite(xMin)) yMin = 0, yMax = 1;
  xMin = x.min, xMax = x.max;  // shared by the stacked panels
  if (panel.fixedRange) yMin = panel.yMin, yMax = panel.yMax;
  if (xMax <= xMin) xMax = xMin + 1;
  if (yMax <= yMin) yMax = yMin + 1;
  const double pad = panel.fixedRange ? 0.0 : 0.05 * (yMax - yMin);
  yMin -= pad, yMax += pad;
  auto px = [&](double x) { return plot.x + static_cast<int>(std::lround((x - xMin) / (xMax - xMin) * plot.width)); };
  auto py = [&](double y) {
    return plot.y + plot.height - static_cast<int>(std::lround((y - yMin) / (yMax - yMin) * plot.height));
  };

  // Grid and ticks at round values (whole epochs on the x axis when it counts them).
  const double yStep = niceStep(yMax - yMin), xStep = std::max(x.integral ? 1.0 : 0.0, niceStep(xMax - xMin));
  for (double y = std::ceil(yMin / yStep) * yStep; y <= yMax + 1e-9; y += yStep) {
    cv::line(canvas, {plot.x, py(y)}, {plot.x + plot.width, py(y)}, {225, 225, 225}, 1);
    cv::putText(canvas, formatTick(y, yStep), {4, py(y) + 5}, font, 0.4, {60, 60, 60}, 1, cv::LINE_AA);
  }
  for (double v = std::ceil(xMin / xStep) * xStep; v <= xMax + 1e-9; v += xStep) {
    cv::line(canvas, {px(v), plot.y}, {px(v), plot.y + plot.height}, {225, 225, 225}, 1);
    cv::putText(canvas, formatTick(v, xStep), {px(v) - 8, plot.y + plot.height + 18}, font, 0.4, {60, 60, 60}, 1,
                cv::LINE_AA);
  }
  cv::rectangle(canvas, plot, {0, 0, 0}, 1);
  cv::putText(canvas, panel.xLabel, {plot.x + plot.width / 2 - 20, plot.y + plot.height + 38}, font, 0.45, {0, 0, 0}, 1,
              cv::LINE_AA);
  cv::putText(canvas, panel.yLabel, {plot.x + plot.width + 10, plot.y - 8}, font, 0.45, {0, 0, 0}, 1, cv::LINE_AA);

  for (size_t k = 0; k < panel.series.size(); ++k) {
    const auto& s = panel.series[k];
    const cv::Scalar colour = kColours[k % (sizeof kColours / sizeof kColours[0])];
    std::vector<cv::Point> points;
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) points.emplace_back(px(s.x[i]), py(s.y[i]));
    if (points.size() > 1) cv::polylines(canvas, points, false, colour, 2, cv::LINE_AA);
    for (const auto& p : points) cv::circle(canvas, p, 2, colour, cv::FILLED, cv::LINE_AA);
    // Legend to the right of the plot.
    const int ly = plot.y + 14 + 20 * static_cast<int>(k);
    cv::line(canvas, {plot.x + plot.width + 10, ly - 4}, {plot.x + plot.width + 30, ly - 4}, colour, 2, cv::LINE_AA);
    cv::putText(canvas, s.name.substr(0, 18), {plot.x + plot.width + 36, ly}, font, 0.42, {0, 0, 0}, 1, cv::LINE_AA);
  }
}

}  // namespace

void writeLineChartPng(const std::string& path, const std::vector<ChartPanel>& panels, int width, int panelHeight) {
  if (panels.empty()) throw core::Error(path, "nothing to draw");
  if (width < 300 || panelHeight < 150)
    throw core::Error(path, "chart too small: " + std::to_string(width) + "x" + std::to_string(panelHeight) +
                                " pixels per panel (at least 300x150)");
  XRange x{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), true};
  for (const auto& panel : panels)
    for (const auto& s : panel.series)
      for (double v : s.x)
        if (std::isfinite(v)) x.min = std::min(x.min, v), x.max = std::max(x.max, v), x.integral &= v == std::floor(v);
  if (!std::isfinite(x.min)) x = {0.0, 1.0, true};
  if (x.max <= x.min) x.max = x.min + 1.0;
  cv::Mat canvas(panelHeight * static_cast<int>(panels.size()), width, CV_8UC3, cv::Scalar(255, 255, 255));
  for (size_t i = 0; i < panels.size(); ++i)
    drawPanel(canvas, panels[i], static_cast<int>(i) * panelHeight, width, panelHeight, x);
  std::vector<unsigned char> png;
  if (!cv::imencode(".png", canvas, png)) throw core::Error(path, "cannot encode the chart as PNG");
  io::writeTextFile(path, std::string(png.begin(), png.end()));
}

}  // namespace aunet::pipeline
