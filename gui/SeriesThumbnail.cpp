#include "gui/SeriesThumbnail.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include "gui/SliceRenderer.h"
#include "gui/WindowPresets.h"
#include "io/ImageReader.h"
#include "core/Error.h"

namespace aunet::gui {

QImage SeriesThumbnail::render(const io::DicomSeriesInfo& series, int size) {
  if (series.files.empty()) throw core::Error(series.id, "series lists no files");
  const std::string& file = series.files[series.files.size() / 2];
  // The reader opens a file's whole series; a folder holding only the middle file
  // makes it read that one slice (io has no single-file DICOM read).
  QTemporaryDir scratch;
  const QString source = QString::fromStdString(file);
  const QString copy = QDir(scratch.path()).filePath(QFileInfo(source).fileName());
  if (!scratch.isValid() || !QFile::copy(source, copy)) throw core::Error(file, "cannot copy it for a thumbnail");
  io::ReadOptions options;
  options.allowUnevenSlices = true;
  const core::Volume slice = io::readImage(scratch.path().toStdString(), options);
  if (slice.empty()) throw core::Error(file, "image holds no voxels");

  // The view whose slice axis is the file's own (k): axial for an axial series,
  // sagittal for a sagittal one, and so on.
  SliceGeometry geometry = SliceGeometry::forView(slice.geometry(), ViewAxis::Axial);
  for (ViewAxis v : {ViewAxis::Axial, ViewAxis::Coronal, ViewAxis::Sagittal}) {
    const SliceGeometry g = SliceGeometry::forView(slice.geometry(), v);
    if (g.normalAxis == 2) geometry = g;
  }
  const int64_t index = slice.geometry().size[static_cast<size_t>(geometry.normalAxis)] / 2;
  const QImage full = SliceRenderer::renderImage(slice, geometry, index, WindowPresets::initial(slice));
  // Physical aspect ratio: pixels may not be square.
  const double w = static_cast<double>(geometry.width) * geometry.horizontalSpacing;
  const double h = static_cast<double>(geometry.height) * geometry.verticalSpacing;
  const double scale = static_cast<double>(size) / std::max(w, h);
  const QSize target(std::max(1, static_cast<int>(w * scale + 0.5)), std::max(1, static_cast<int>(h * scale + 0.5)));
  return full.scaled(target, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

}  // namespace aunet::gui
