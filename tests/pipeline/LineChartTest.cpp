// Training curves as a PNG: drawn at the requested size, with visible lines in the
// series' colours, written atomically; bad requests fail with the file's name.

#include <gtest/gtest.h>

#include <filesystem>

#include <cmath>

#include "io/ImageReader.h"
#include "pipeline/LineChart.h"
#include "core/Error.h"
#include "tests/io/IoTestSupport.h"

namespace aunet::pipeline {
namespace {

using namespace aunet::io;  // readers, writers and the dataset layout under test
namespace test = aunet::io::test;
namespace fs = std::filesystem;

class LineChartTest : public test::ScratchTest {};

TEST_F(LineChartTest, DrawsStackedPanelsWithTheirSeries) {
  pipeline::ChartSeries loss{"train loss", {}, {}};
  pipeline::ChartSeries dice{"liver", {}, {}};
  for (int e = 1; e <= 30; ++e) {
    loss.x.push_back(e);
    loss.y.push_back(2.0 * std::exp(-e / 10.0));
    if (e % 5 == 0) {
      dice.x.push_back(e);
      dice.y.push_back(1.0 - std::exp(-e / 8.0));
    }
  }
  dice.y.push_back(NAN);  // skipped, not drawn
  dice.x.push_back(31);
  const std::string png = path("curves.png");
  pipeline::writeLineChartPng(png, {pipeline::ChartPanel{"loss", "epoch", "loss", {loss}}, pipeline::ChartPanel{"Dice", "epoch", "Dice", {dice}, true, 0, 1}},
                    800, 300);
  const core::Volume image = readImage(png);
  EXPECT_EQ(image.geometry().size[0], 800);
  EXPECT_EQ(image.geometry().size[1], 600);
  // Neither blank nor black: white background with grid, text and lines.
  size_t white = 0, dark = 0;
  for (float v : image.voxels()) {
    white += v > 250;
    dark += v < 128;
  }
  EXPECT_GT(white, image.voxels().size() / 2);
  EXPECT_GT(dark, 1000u);
  for (const auto& name : entries()) EXPECT_EQ(name, "curves.png");  // no temporary left behind

  // Each refusal for its own reason: nothing to draw, a chart too small to draw.
  const pipeline::ChartPanel one{"a", "", "", {loss}};
  for (const auto& [panels, width] : {std::pair{std::vector<pipeline::ChartPanel>{}, 900},
                                      std::pair{std::vector<pipeline::ChartPanel>{one}, 10}}) {
    try {
      pipeline::writeLineChartPng(path("refused.png"), panels, width, 360);
      ADD_FAILURE() << "drew " << panels.size() << " panel(s) at width " << width;
    } catch (const core::Error& e) {
      EXPECT_NE(std::string(e.what()).find(panels.empty() ? "nothing to draw" : "too small"), std::string::npos)
          << e.what();
    }
  }
  // A missing folder is created, as for every file aunet writes.
  pipeline::writeLineChartPng((dir_ / "missing-dir-is-created" / "x.png").string(), {one});
  EXPECT_TRUE(fs::is_regular_file(dir_ / "missing-dir-is-created" / "x.png"));
}

}  // namespace
}  // namespace aunet::pipeline
