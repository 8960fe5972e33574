// The DICOM series picker: one row and one thumbnail per series of a generated
// two-series folder, filled in by a worker after the dialog exists, with the
// series' shape (a wide series gives a wide picture) and its grey values.

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardItemModel>

#include "gui/SeriesPickerDialog.h"
#include "gui/SeriesThumbnail.h"
#include "io/DicomSeriesScanner.h"
#include "io/internal/DicomSeriesWriter.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

using testing::waitUntil;

// A volume of whole numbers: dark left half, bright right half (in voxel i).
core::Volume halves(const core::Index3& size, float dark, float bright) {
  core::Geometry g;
  g.size = size;
  g.spacing = {1.0, 1.0, 2.0};
  core::Volume v(g, 1);
  for (int64_t k = 0; k < size[2]; ++k)
    for (int64_t j = 0; j < size[1]; ++j)
      for (int64_t i = 0; i < size[0]; ++i) v.at(i, j, k) = i < size[0] / 2 ? dark : bright;
  return v;
}

// Writes `volume` as a series into `folder`, files prefixed so two series can share it.
void writeSeries(const core::Volume& volume, const QString& folder, const QString& prefix) {
  QTemporaryDir staging;
  for (const auto& f : io::internal::writeDicomSeries(volume, staging.path().toStdString(), "MR")) {
    const QString from = QString::fromStdString(f);
    ASSERT_TRUE(QFile::rename(from, QDir(folder).filePath(prefix + QFileInfo(from).fileName())));
  }
}

TEST(SeriesPicker, ShowsOneThumbnailPerSeries) {
  testing::application();
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  writeSeries(halves({40, 40, 5}, 0.0f, 1000.0f), dir.path(), "a_");
  writeSeries(halves({64, 32, 3}, 0.0f, 1000.0f), dir.path(), "b_");
  const auto series = io::scanDicomSeries(dir.path().toStdString());
  ASSERT_EQ(series.size(), 2u);

  SeriesPickerDialog picker(dir.path(), series);
  EXPECT_EQ(picker.tableModel()->rowCount(), 2);
  int ready = 0;
  QObject::connect(&picker, &SeriesPickerDialog::thumbnailReady, [&ready](int) { ++ready; });
  ASSERT_TRUE(waitUntil([&] { return picker.thumbnailsDone() == 2; }));
  EXPECT_EQ(ready, 2);
  for (int row = 0; row < 2; ++row) {
    const QImage thumb = picker.thumbnail(row);
    ASSERT_FALSE(thumb.isNull()) << "row " << row;
    const auto& s = series[static_cast<size_t>(row)];
    const bool wide = s.sliceCount() == 3;  // the 64x32 series
    EXPECT_EQ(thumb.width(), SeriesPickerDialog::kThumbnailSize);
    EXPECT_EQ(thumb.height(), wide ? SeriesPickerDialog::kThumbnailSize / 2 : SeriesPickerDialog::kThumbnailSize);
    // Percentile window: one half near black, the other near white.
    const int y = thumb.height() / 2;
    const int left = qGray(thumb.pixel(2, y)), right = qGray(thumb.pixel(thumb.width() - 3, y));
    EXPECT_GT(std::abs(left - right), 200) << left << " vs " << right;
  }
  // The choice still works with the extra column.
  picker.selectRow(1);
  EXPECT_EQ(picker.selectedId(), series[1].id);
}

TEST(SeriesPicker, UnreadableFileGivesNoThumbnailButNoFailure) {
  testing::application();
  io::DicomSeriesInfo bogus;
  bogus.id = "bogus";
  bogus.files = {"/nonexistent/file.dcm"};
  EXPECT_THROW(SeriesThumbnail::render(bogus), std::exception);
  SeriesPickerDialog picker("/nonexistent", {bogus});
  ASSERT_TRUE(waitUntil([&] { return picker.thumbnailsDone() == 1; }));
  EXPECT_TRUE(picker.thumbnail(0).isNull());
}

}  // namespace
}  // namespace aunet::gui
