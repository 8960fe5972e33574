// Window presets, the automatic percentile window and what an image opens with.

#include <gtest/gtest.h>

#include <set>

#include "gui/WindowPresets.h"

namespace aunet::gui {
namespace {

TEST(WindowPresetsTest, CtPresetsCoverTheUsualWindows) {
  std::set<std::string> names;
  for (const auto& p : WindowPresets::ct()) {
    names.insert(p.name);
    EXPECT_GT(p.window.width, 0.0) << p.name;
  }
  for (const char* n : {"CT brain", "CT subdural", "CT stroke", "CT lung", "CT mediastinum", "CT abdomen", "CT liver",
                        "CT bone"})
    EXPECT_TRUE(names.count(n)) << n;
  const auto& brain = WindowPresets::ct().front();
  EXPECT_DOUBLE_EQ(brain.window.center, 40.0);
  EXPECT_DOUBLE_EQ(brain.window.width, 80.0);
}

TEST(WindowPresetsTest, AutomaticWindowIgnoresOutliers) {
  core::Geometry g;
  g.size = {100, 100, 10};
  core::Volume v(g, 1);
  for (size_t i = 0; i < v.voxels().size(); ++i) v.voxels()[i] = static_cast<float>(i % 1000);  // uniform 0..999
  v.voxels()[0] = 1e6f;  // a hot pixel must not stretch the window
  const WindowLevel w = WindowPresets::automatic(v);
  EXPECT_NEAR(w.center, 500.0, 10.0);
  EXPECT_NEAR(w.width, 990.0, 15.0);
}

TEST(WindowPresetsTest, ConstantImageGetsAUsableWindow) {
  core::Geometry g;
  g.size = {4, 4, 4};
  core::Volume v(g, 1);
  std::fill(v.voxels().begin(), v.voxels().end(), 7.0f);
  const WindowLevel w = WindowPresets::automatic(v);
  EXPECT_GT(w.width, 0.0);
  EXPECT_NEAR(w.center, 7.5, 1e-9);
}

TEST(WindowPresetsTest, DicomHeaderWindowIsTheDefault) {
  core::Geometry g;
  g.size = {4, 4, 4};
  core::Volume v(g, 1);
  v.metadata().windowCenter = 35.0;
  v.metadata().windowWidth = 350.0;
  const WindowLevel w = WindowPresets::initial(v);
  EXPECT_DOUBLE_EQ(w.center, 35.0);
  EXPECT_DOUBLE_EQ(w.width, 350.0);
  v.metadata().windowWidth = 0.0;  // a broken header falls back to automatic
  EXPECT_NE(WindowPresets::initial(v).width, 0.0);
}

TEST(WindowPresetsTest, CtWithoutHeaderOpensWithTheSoftTissueWindow) {
  core::Geometry g;
  g.size = {20, 20, 5};
  core::Volume ct(g, 1);
  for (size_t i = 0; i < ct.voxels().size(); ++i) ct.voxels()[i] = i % 3 == 0 ? -1000.0f : 40.0f + (i % 50);
  EXPECT_TRUE(WindowPresets::looksLikeCt(ct));
  EXPECT_DOUBLE_EQ(WindowPresets::initial(ct).width, 400.0);
  EXPECT_DOUBLE_EQ(WindowPresets::initial(ct).center, 50.0);
  core::Volume mr(g, 1);
  for (size_t i = 0; i < mr.voxels().size(); ++i) mr.voxels()[i] = static_cast<float>(i % 700);
  EXPECT_FALSE(WindowPresets::looksLikeCt(mr));
  mr.metadata().modality = "CT";
  EXPECT_TRUE(WindowPresets::looksLikeCt(mr));  // the header decides when there is one
}

}  // namespace
}  // namespace aunet::gui
