// What the viewer remembers: recent files (most recent first, bounded) and the window
// per study.

#include <gtest/gtest.h>

#include <QTemporaryDir>

#include "gui/ViewerSettings.h"

namespace aunet::gui {
namespace {

TEST(ViewerSettingsTest, RecentFilesAreUniqueMostRecentFirstAndBounded) {
  QTemporaryDir dir;
  ViewerSettings s(dir.filePath("viewer.ini"));
  for (int i = 0; i < 15; ++i) s.addRecentFile(dir.filePath(QString("f%1.nii").arg(i)));
  s.addRecentFile(dir.filePath("f10.nii"));
  const QStringList recent = s.recentFiles();
  ASSERT_EQ(recent.size(), ViewerSettings::kMaxRecent);
  EXPECT_EQ(recent.front(), dir.filePath("f10.nii"));
  EXPECT_EQ(recent.count(dir.filePath("f10.nii")), 1);
  EXPECT_EQ(recent[1], dir.filePath("f14.nii"));
  s.clearRecentFiles();
  EXPECT_TRUE(s.recentFiles().isEmpty());
}

TEST(ViewerSettingsTest, WindowIsRememberedPerStudyAcrossInstances) {
  QTemporaryDir dir;
  const QString ini = dir.filePath("viewer.ini");
  {
    ViewerSettings s(ini);
    EXPECT_FALSE(s.windowFor("/data/ct.nii.gz").has_value());
    s.setWindowFor("/data/ct.nii.gz", {40.0, 80.0});
    s.setWindowFor("/data/other.nii.gz", {-600.0, 1500.0});
  }
  ViewerSettings again(ini);
  const auto w = again.windowFor("/data/ct.nii.gz");
  ASSERT_TRUE(w.has_value());
  EXPECT_DOUBLE_EQ(w->center, 40.0);
  EXPECT_DOUBLE_EQ(w->width, 80.0);
  EXPECT_DOUBLE_EQ(again.windowFor("/data/other.nii.gz")->center, -600.0);
}

TEST(ViewerSettingsTest, EditingSettingsHaveDefaultsAndPersist) {
  QTemporaryDir dir;
  const QString ini = dir.filePath("viewer.ini");
  {
    ViewerSettings s(ini);
    EXPECT_EQ(s.undoBudgetBytes(), size_t{512} << 20);
    EXPECT_EQ(s.autosaveSeconds(), 60);
    EXPECT_TRUE(s.recoveryFolder().endsWith("recovery"));
    s.setUndoBudgetMb(64);
    s.setRecoveryFolder(dir.filePath("rescue"));
  }
  ViewerSettings again(ini);
  EXPECT_EQ(again.undoBudgetBytes(), size_t{64} << 20);
  EXPECT_EQ(again.recoveryFolder(), dir.filePath("rescue"));
}

}  // namespace
}  // namespace aunet::gui
