#include "gui/ViewerController.h"

#include <QDir>
#include <QFileInfo>

#include <map>

#include "core/Error.h"
#include "imaging/ModelSpace.h"
#include "io/ImageFormat.h"
#include "io/ImageWriter.h"
#include "io/LabelStatisticsWriter.h"

namespace aunet::gui {

ViewerController::ViewerController(QObject* parent)
    : QObject(parent), document_(new ViewerDocument(this)), history_(*document_), tasks_(new TaskRunner(this)) {}

void ViewerController::adoptImage(core::Volume image, const std::string& path) {
  ++imageGeneration_;  // a background read still running is superseded by this image
  history_.clear();
  state_.setGeometry(image.geometry());  // before the document tells its observers
  document_->setImage(std::move(image), path);
  for (const auto& w : document_->image()->metadata().warnings) Q_EMIT notice(QString::fromStdString(w));
}

void ViewerController::openImageInBackground(const QString& path, const QString& dicomSeriesId) {
  const int generation = ++imageGeneration_;
  const std::string p = path.toStdString(), s = dicomSeriesId.toStdString();
  const std::string absolute = QFileInfo(path).absoluteFilePath().toStdString();
  tasks_->run(
      "Loading " + path,
      [this, p, s, absolute, generation]() -> TaskRunner::UiStep {
        auto image = std::make_shared<core::Volume>(ViewerDocument::readImage(p, s));
        return [this, image, absolute, generation] {
          if (generation == imageGeneration_) adoptImage(std::move(*image), absolute);
        };
      },
      [this, generation] { return generation == imageGeneration_; });
}

bool ViewerController::openMaskInBackground(const QString& path, bool reference, QString* whyNot) {
  if (!document_->hasImage()) {
    if (whyNot) *whyNot = path + ": open an image before its " + (reference ? "reference mask" : "mask");
    return false;
  }
  const std::string p = path.toStdString();
  const core::Geometry grid = document_->image()->geometry();
  const auto image = document_->image();
  tasks_->run(
      "Loading " + path,
      [this, p, grid, reference]() -> TaskRunner::UiStep {
        auto notes = std::make_shared<std::vector<std::string>>();
        auto labels = std::make_shared<core::LabelMap>(ViewerDocument::readLabelsOnGrid(p, grid, notes.get()));
        return [this, labels, notes, p, reference] {
          if (reference)
            document_->setReference(std::move(*labels), p);
          else
            replaceMask(std::move(*labels), p, "Open mask " + QFileInfo(QString::fromStdString(p)).fileName().toStdString());
          for (const auto& n : *notes) Q_EMIT notice(QString::fromStdString(n));
        };
      },
      [this, image] { return document_->image() == image; });
  return true;
}

bool ViewerController::openAttentionInBackground(const QString& path, QString* whyNot) {
  if (!document_->hasImage()) {
    if (whyNot) *whyNot = path + ": open an image before its attention map";
    return false;
  }
  const std::string p = path.toStdString();
  const core::Geometry grid = document_->image()->geometry();
  const auto image = document_->image();
  tasks_->run(
      "Loading " + path,
      [this, p, grid]() -> TaskRunner::UiStep {
        auto notes = std::make_shared<std::vector<std::string>>();
        auto map = std::make_shared<core::Volume>(ViewerDocument::readAttentionOnGrid(p, grid, notes.get()));
        return [this, map, notes, p] {
          document_->addAttention(std::move(*map), ViewerDocument::attentionLevelFor(p, document_->attentionLevels()));
          for (const auto& n : *notes) Q_EMIT notice(QString::fromStdString(n));
        };
      },
      [this, image] { return document_->image() == image; });
  return true;
}

void ViewerController::replaceMask(core::LabelMap labels, const std::string& path, const std::string& what) {
  history_.execute(std::make_unique<ReplaceMaskCommand>(std::make_shared<const core::LabelMap>(std::move(labels)), path, what));
}

void ViewerController::setSegmenter(std::shared_ptr<model::Segmenter> segmenter, const QString& path) {
  segmenter_ = std::move(segmenter);
  modelPath_ = path;
  // A mask opened with its model (`--mask M --model X`) is named and coloured by it.
  if (segmenter_) document_->setPalette(segmenter_->metadata().labels);
}

void ViewerController::saveMask(const QString& path) const {
  if (!document_->labels()) throw core::Error("no mask to save: open or compute one first");
  io::writeLabelMap(*document_->labels(), path.toStdString());
}

int ViewerController::saveAttention(const QString& folder) const {
  if (document_->attention().empty()) throw core::Error("no attention maps to save: segment with a model first");
  QDir().mkpath(folder);
  const auto& maps = document_->attention();
  for (size_t i = 0; i < maps.size(); ++i) {
    const QString file = QDir(folder).filePath(QString("attention_level%1.nii.gz").arg(document_->attentionLevels()[i]));
    io::writeImage(maps[i], file.toStdString());
  }
  return static_cast<int>(maps.size());
}

void ViewerController::saveStatistics(const QString& path) const {
  if (!document_->labels()) throw core::Error("no mask to measure: open or compute one first");
  // The same report as `aunet segment --stats`, named like the image.
  const core::LabelMap& labels = *document_->labels();
  const auto image = document_->image();
  std::map<int, std::string> names;
  for (const auto& l : document_->palette())
    if (l.value > 0) names[l.value] = l.name;
  const std::string file = QFileInfo(QString::fromStdString(document_->imagePath())).fileName().toStdString();
  const std::string caseName = file.substr(0, file.size() - io::imageExtension(file).size());
  const imaging::CaseStatistics stats = imaging::computeCaseStatistics(
      caseName, labels, image && image->geometry().sameGrid(labels.geometry()) ? image.get() : nullptr, names,
      document_->reference());
  io::writeLabelStatisticsCsv({stats}, path.toStdString());
}

bool ViewerController::jumpToLabel(int label) {
  const core::LabelMap* labels = document_->labels() ? document_->labels() : document_->reference();
  core::Index3 voxel{};
  if (!labels || label <= 0 || !imaging::labelCentreVoxel(*labels, label, voxel)) return false;
  state_.setCursor(voxel);
  return true;
}

QString ViewerController::describe(size_t maskLabels) const {
  const auto image = document_->image();
  if (!image)
    return "<b>aunet viewer</b><br><br>Drop an image (NIfTI, NRRD, MHA, DICOM folder, PNG) here, "
           "or use File &gt; Open.<br>Then drop or open its mask, or open a model and press Segment.";
  const core::Geometry& g = image->geometry();
  const auto& m = image->metadata();
  QString html = QString("<b>%1</b><br>").arg(QFileInfo(QString::fromStdString(document_->imagePath())).fileName().toHtmlEscaped());
  if (!m.modality.empty()) html += QString("Modality: %1<br>").arg(QString::fromStdString(m.modality));
  if (!m.seriesDescription.empty())
    html += QString("Series: %1<br>").arg(QString::fromStdString(m.seriesDescription).toHtmlEscaped());
  html += QString("Size: %1 x %2 x %3 voxels<br>").arg(g.size[0]).arg(g.size[1]).arg(g.size[2]);
  html += QString("Spacing: %1 x %2 x %3 mm<br>").arg(g.spacing[0], 0, 'g', 4).arg(g.spacing[1], 0, 'g', 4).arg(g.spacing[2], 0, 'g', 4);
  html += QString("Orientation: %1<br>").arg(QString::fromStdString(g.orientationCode()));
  if (segmenter_) {
    // Where the model will see this image: the grid segmentation and training share.
    const auto& model = segmenter_->metadata();
    const int dims = model.architecture.is_object() ? model.architecture.value("spatial_dims", 3) : 3;
    try {
      const imaging::ModelSpace space(g, imaging::ModelGridPlan::of(model.plan, dims));
      const core::Geometry& grid = space.grid();
      html += QString("Model grid: %1 x %2 x %3 at %4 x %5 x %6 mm%7<br>")
                  .arg(grid.size[0]).arg(grid.size[1]).arg(grid.size[2])
                  .arg(grid.spacing[0], 0, 'g', 4).arg(grid.spacing[1], 0, 'g', 4).arg(grid.spacing[2], 0, 'g', 4)
                  .arg(space.resamples() ? " (resampled)" : space.reorients() ? " (reoriented)" : "");
    } catch (const core::Error&) {
      // A plan this image cannot take: segmenting says why.
    }
  }
  if (image->channels() > 1)
    html += QString("%1: %2, showing %3 (Volume box)<br>")
                .arg(m.volumeCount > 1 ? "Volumes" : "Channels")
                .arg(image->channels())
                .arg(state_.channel());
  if (document_->labels()) {
    html += QString("<br>Mask: %1 label(s)").arg(maskLabels);
    if (!document_->labelsPath().empty())
      html += QString(" from %1").arg(QFileInfo(QString::fromStdString(document_->labelsPath())).fileName().toHtmlEscaped());
    html += "<br>";
  }
  if (document_->reference()) html += "Reference mask: shown as outlines; Dice in the legend<br>";
  if (!m.warnings.empty())
    html += QString("<br><span style='color:#ffb000'>%1</span>").arg(QString::fromStdString(m.warnings.front()).toHtmlEscaped());
  return html;
}

}  // namespace aunet::gui
