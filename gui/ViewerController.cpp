#include "gui/ViewerController.h"

#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QFileInfo>

#include <algorithm>
#include <map>

#include "core/Error.h"
#include "imaging/ModelSpace.h"
#include "io/DicomObjectReader.h"
#include "io/ImageFormat.h"
#include "io/ImageReader.h"
#include "io/ImageWriter.h"
#include "io/LabelStatisticsWriter.h"

namespace aunet::gui {

ViewerController::ViewerController(SegmenterFactory factory, QObject* parent)
    : QObject(parent),
      document_(new ViewerDocument(this)),
      history_(*document_),
      editor_(*document_, history_, state_),
      tasks_(new TaskRunner(this)),
      factory_(std::move(factory)),
      job_(new SegmentationJob(this)),
      legend_(new LabelTableModel(this)) {
  connect(job_, &SegmentationJob::succeeded, this, &ViewerController::adoptSegmentation);
  connect(job_, &SegmentationJob::failed, this, [this](const QString& message) {
    Q_EMIT error(message);
    Q_EMIT segmentationFinished(false, "Failed: " + message);
  });
  connect(job_, &SegmentationJob::cancelled, this, [this] {
    Q_EMIT notice("Segmentation cancelled");
    Q_EMIT segmentationFinished(false, "Cancelled");
  });
  connect(document_, &ViewerDocument::labelsChanged, this, &ViewerController::refreshStatistics);
  history_.setObserver([this] { Q_EMIT historyChanged(); });
  connect(document_, &ViewerDocument::labelsEdited, this,
          [this](const imaging::LabelDelta* delta, bool reverted, core::Index3, core::Index3) {
            updateStatistics(*delta, reverted);
          });
}

ViewerController::~ViewerController() {
  job_->cancel();
  job_->waitForWorker();
  tasks_->waitForWorkers();  // before the document the work reads goes
}

void ViewerController::adoptImage(core::Volume image, const std::string& path) {
  if (job_->running()) job_->cancel();  // its result would belong to the old image
  ++imageGeneration_;  // a background read still running is superseded by this image
  history_.clear();
  state_.setGeometry(image.geometry());  // before the document tells its observers
  document_->setImage(std::move(image), path);
  for (const auto& w : document_->image()->metadata().warnings) Q_EMIT notice(QString::fromStdString(w));
  // A study folder that holds the series' DICOM SEG or RTSTRUCT opens with that mask,
  // named and coloured as the file says.
  if (QFileInfo(QString::fromStdString(path)).isDir()) {
    const std::string object = io::findDicomLabelObject(path);
    if (!object.empty()) openMaskInBackground(QString::fromStdString(object), false, nullptr);
  }
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

bool ViewerController::runOnImage(const QString& path, const QString& what, QString* whyNot,
                                  std::function<TaskRunner::UiStep(const core::Geometry&)> work) {
  if (!document_->hasImage()) {
    if (whyNot) *whyNot = path + ": open an image before its " + what;
    return false;
  }
  const auto image = document_->image();
  tasks_->run(
      "Loading " + path, [work = std::move(work), grid = image->geometry()] { return work(grid); },
      [this, image] { return document_->image() == image; });
  return true;
}

bool ViewerController::openMaskInBackground(const QString& path, bool reference, QString* whyNot) {
  const std::string p = path.toStdString();
  return runOnImage(path, reference ? "reference mask" : "mask", whyNot,
                    [this, p, reference](const core::Geometry& grid) -> TaskRunner::UiStep {
                      auto notes = std::make_shared<std::vector<std::string>>();
                      auto names = std::make_shared<std::vector<model::LabelInfo>>();
                      auto labels = std::make_shared<core::LabelMap>(
                          ViewerDocument::readLabelsOnGrid(p, grid, notes.get(), names.get()));
                      return [this, labels, notes, names, p, reference] {
                        // A DICOM SEG/RTSTRUCT names its segments: they name the legend.
                        if (!names->empty()) document_->setPalette(*names);
                        if (reference)
                          document_->setReference(std::move(*labels), p);
                        else
                        {
                          replaceMask(std::move(*labels), p,
                                      "Open mask " + QFileInfo(QString::fromStdString(p)).fileName().toStdString());
                          history_.setClean();  // as on disk: nothing to save yet
                        }
                        for (const auto& n : *notes) Q_EMIT notice(QString::fromStdString(n));
                      };
                    });
}

bool ViewerController::openAttentionInBackground(const QString& path, QString* whyNot) {
  const std::string p = path.toStdString();
  return runOnImage(path, "attention map", whyNot, [this, p](const core::Geometry& grid) -> TaskRunner::UiStep {
    auto notes = std::make_shared<std::vector<std::string>>();
    auto map = std::make_shared<core::Volume>(ViewerDocument::readAttentionOnGrid(p, grid, notes.get()));
    return [this, map, notes, p] {
      document_->addAttention(std::move(*map), ViewerDocument::attentionLevelFor(p, document_->attentionLevels()));
      for (const auto& n : *notes) Q_EMIT notice(QString::fromStdString(n));
    };
  });
}

bool ViewerController::opensAsImage(const QString& path) const {
  if (path.endsWith(".aunet", Qt::CaseInsensitive)) return false;
  if (!document_->hasImage() || QFileInfo(path).isDir()) return true;
  try {
    const io::ImageInfo info = io::readImageInfo(path.toStdString());
    if (info.channels != 1 || !core::isInteger(info.pixelType)) return true;
    const QString name = QFileInfo(path).fileName().toLower();
    const bool mask = info.geometry.size == state_.geometry().size || name.contains("seg") || name.contains("mask") ||
                      name.contains("label");
    return !mask;
  } catch (const std::exception&) {
    return true;  // unreadable: opening it as an image reports why
  }
}

QStringList ViewerController::openingOrder(QStringList paths) {
  const auto maskish = [](const QString& p) {
    const QString n = QFileInfo(p).fileName().toLower();
    return n.contains("seg") || n.contains("mask") || n.contains("label") || n.endsWith(".aunet");
  };
  std::stable_sort(paths.begin(), paths.end(),
                   [&maskish](const QString& a, const QString& b) { return !maskish(a) && maskish(b); });
  return paths;
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

bool ViewerController::openModelInBackground(const QString& path, QString* whyNot) {
  if (!factory_) {
    if (whyNot) *whyNot = path + ": segmentation is not available in this build";
    return false;
  }
  if (job_->running()) {
    if (whyNot) *whyNot = "a segmentation is running; cancel it before changing the model";
    return false;
  }
  const std::string p = path.toStdString();
  tasks_->run("Loading model " + path, [this, p, path, factory = factory_]() -> TaskRunner::UiStep {
    // Reading the model file (weights and metadata) is the slow part: keep it off the UI thread.
    std::shared_ptr<model::Segmenter> s = factory(p);
    if (!s) throw core::Error(p, "could not load the model");
    return [this, s, path] {
      if (job_->running()) throw core::Error(path.toStdString(), "a segmentation started meanwhile; open the model again");
      setSegmenter(s, path);
      Q_EMIT modelLoaded(path);
    };
  });
  return true;
}

bool ViewerController::startSegmentation(const model::SegmentationSettings& settings, QString* whyNot) {
  QString reason;
  if (!segmenter_) reason = factory_ ? "open a model before segmenting" : "segmentation is not available in this build";
  else if (!document_->hasImage()) reason = "open an image before segmenting";
  else if (job_->running()) reason = "a segmentation is already running";
  if (reason.isEmpty()) {
    segmentedImage_ = document_->image();
    if (job_->start(segmenter_, segmentedImage_, settings)) return true;
    reason = "the segmentation could not start";
  }
  if (whyNot) *whyNot = reason;
  return false;
}

void ViewerController::cancelSegmentation() {
  if (job_->running()) job_->cancel();
}

void ViewerController::adoptSegmentation() {
  std::unique_ptr<model::SegmentationResult> result = job_->takeResult();
  if (!result || segmentedImage_ != document_->image()) {
    // Another image was opened meanwhile: this result belongs to nothing on screen.
    Q_EMIT segmentationFinished(false, "Result discarded (the image changed)");
    return;
  }
  try {
    if (!result->labels.geometry().sameGrid(document_->image()->geometry()))
      throw core::Error(modelPath_.toStdString(), "segmentation came back on another grid than the image");
    document_->setPalette(segmenter_->metadata().labels);
    replaceMask(std::move(result->labels), "", "Segment with " + QFileInfo(modelPath_).fileName().toStdString());
    document_->setAttention(std::move(result->attention), std::move(result->attentionLevels));
  } catch (const std::exception& e) {
    Q_EMIT error(QString::fromStdString(e.what()));
    Q_EMIT segmentationFinished(false, "Failed");
    return;
  }
  Q_EMIT segmentationFinished(true, QString("Done in %1 s (network %2 s)")
                                        .arg(result->totalSeconds, 0, 'f', 1)
                                        .arg(result->networkSeconds, 0, 'f', 1));
}

void ViewerController::refreshStatistics() {
  const auto labels = document_->sharedLabels();
  const auto reference = document_->sharedReference();
  const bool withDice = labels && reference;
  const int generation = ++statisticsGeneration_;
  auto show = [this, labels, reference, withDice](std::vector<imaging::LabelStatistics> stats) {
    legend_->setContents(std::move(stats), document_->palette(), withDice);
    overlays_.labels.hidden = legend_->hiddenLabels();
    statisticsLabels_ = labels;
    statisticsReference_ = reference;
    statisticsCurrent_ = true;
    Q_EMIT statisticsChanged();
  };
  if ((!labels && !reference) || (labels == statisticsLabels_ && reference == statisticsReference_ && statisticsCurrent_)) {
    // Nothing to count, or only the palette changed: no pass over the volume.
    show(labels || reference ? legend_->statistics() : std::vector<imaging::LabelStatistics>{});
    return;
  }
  // One pass over the volume (counts and Dice): on a worker, the legend follows.
  statisticsCurrent_ = false;
  diceCountsValid_ = false;
  tasks_->run({}, [this, labels, reference, generation, show]() -> TaskRunner::UiStep {
    auto stats = std::make_shared<std::vector<imaging::LabelStatistics>>(
        labels ? imaging::computeLabelStatistics(*labels, nullptr, {}, reference.get())
               : imaging::computeLabelStatistics(*reference));
    return [this, stats, generation, show] {
      if (generation != statisticsGeneration_) return;  // newer masks' job follows
      if (editedDuringPass_) {
        // The mask was painted while this pass read it: count again.
        editedDuringPass_ = false;
        statisticsLabels_.reset();
        refreshStatistics();
        return;
      }
      show(std::move(*stats));
    };
  });
}

void ViewerController::updateStatistics(const imaging::LabelDelta& delta, bool reverted) {
  if (delta.empty()) return;
  if (!statisticsCurrent_) {
    editedDuringPass_ = true;
    return;
  }
  const core::LabelMap* labels = document_->labels();
  if (!labels) return;
  const core::LabelMap* reference = document_->reference();
  if (reference && !reference->geometry().sameGrid(labels->geometry())) reference = nullptr;
  const core::Vec3& sp = labels->geometry().spacing;
  const double voxelMl = sp[0] * sp[1] * sp[2] / 1000.0;
  // Dice needs the reference's counts and the overlap, which the legend's rows do not
  // keep: counted once (after this edit) and then followed from the deltas.
  bool countOverlap = true;
  if (reference && !diceCountsValid_) {
    diceCounts_.clear();
    const uint16_t* m = labels->data();
    const uint16_t* r = reference->data();
    const size_t n = labels->labels().size();
    for (size_t i = 0; i < n; ++i)
      if (r[i]) {
        ++diceCounts_[r[i]].referenceVoxels;
        if (m[i] == r[i]) ++diceCounts_[r[i]].sharedVoxels;
      }
    diceCountsValid_ = true;
    countOverlap = false;  // this edit is in the counts already
  }
  std::map<int, int64_t> count;
  const auto& before = reverted ? delta.after() : delta.before();
  const auto& after = reverted ? delta.before() : delta.after();
  for (size_t i = 0; i < delta.size(); ++i) {
    --count[before[i]];
    ++count[after[i]];
    if (reference && countOverlap) {
      const int r = reference->data()[delta.offsets()[i]];
      if (r != 0 && before[i] == r) --diceCounts_[r].sharedVoxels;
      if (r != 0 && after[i] == r) ++diceCounts_[r].sharedVoxels;
    }
  }
  std::vector<imaging::LabelStatistics> stats = legend_->statistics();
  for (const auto& [label, change] : count) {
    if (label == 0 || change == 0) continue;
    auto it = std::find_if(stats.begin(), stats.end(), [l = label](const auto& s) { return s.label == l; });
    if (it == stats.end()) {
      imaging::LabelStatistics added;
      added.label = label;
      added.name = "label_" + std::to_string(label);
      it = stats.insert(std::upper_bound(stats.begin(), stats.end(), label,
                                         [](int l, const auto& s) { return l < s.label; }),
                        added);
    }
    it->voxelCount += change;
    it->volumeMl = static_cast<double>(it->voxelCount) * voxelMl;
    it->meanIntensity.clear();  // not shown in the legend; saveStatistics() measures afresh
  }
  if (reference)
    for (auto& row : stats) {
      const DiceCounts c = diceCounts_.count(row.label) ? diceCounts_.at(row.label) : DiceCounts{};
      const int64_t total = row.voxelCount + c.referenceVoxels;
      row.dice = total > 0 ? 2.0 * static_cast<double>(c.sharedVoxels) / static_cast<double>(total) : 0.0;
    }
  // Rows of labels neither in the mask nor in the reference any more go.
  stats.erase(std::remove_if(stats.begin(), stats.end(),
                             [this, reference](const auto& s) {
                               return s.voxelCount == 0 &&
                                      (!reference || !diceCounts_.count(s.label) || diceCounts_.at(s.label).referenceVoxels == 0);
                             }),
              stats.end());
  // No statisticsChanged(): the views redraw only the edited slices (labelsEdited).
  legend_->setContents(std::move(stats), document_->palette(), reference != nullptr);
  overlays_.labels.hidden = legend_->hiddenLabels();
}

QString ViewerController::describeVoxel(const core::Index3& voxel) const {
  const auto image = document_->image();
  if (!image) return {};
  const core::Geometry& g = image->geometry();
  const core::Vec3 p = g.indexToPhysical(
      {static_cast<double>(voxel[0]), static_cast<double>(voxel[1]), static_cast<double>(voxel[2])});
  QString text = QString("voxel (%1, %2, %3)   LPS (%4, %5, %6) mm   value %7")
                     .arg(voxel[0]).arg(voxel[1]).arg(voxel[2])
                     .arg(p[0], 0, 'f', 1).arg(p[1], 0, 'f', 1).arg(p[2], 0, 'f', 1)
                     .arg(static_cast<double>(image->at(voxel[0], voxel[1], voxel[2], state_.channel())), 0, 'g', 6);
  if (const core::LabelMap* labels = document_->labels()) {
    const int value = labels->at(voxel[0], voxel[1], voxel[2]);
    text += QString("   label %1 %2").arg(value).arg(value ? QString::fromStdString(document_->labelName(value)) : "(background)");
  }
  if (const core::LabelMap* reference = document_->reference())
    text += QString("   reference %1").arg(reference->at(voxel[0], voxel[1], voxel[2]));
  const int a = overlays_.attentionIndex;
  if (a >= 0 && a < static_cast<int>(document_->attention().size()))
    text += QString("   attention %1")
                .arg(static_cast<double>(document_->attention()[static_cast<size_t>(a)].at(voxel[0], voxel[1], voxel[2])), 0, 'f', 2);
  return text;
}

void ViewerController::saveMask(const QString& path) {
  if (editor_.strokeActive()) editor_.endStroke();
  if (!document_->labels()) throw core::Error("no mask to save: open or compute one first");
  io::writeLabelMap(*document_->labels(), path.toStdString());
  history_.setClean();
}

int ViewerController::dicomSourceKind() const {
  const std::string from = document_->labelsPath();
  if (from.empty()) return static_cast<int>(io::DicomObjectKind::None);
  const std::string object = io::findDicomLabelObject(from);
  return static_cast<int>(object.empty() ? io::DicomObjectKind::None : io::dicomObjectKind(object));
}

QString ViewerController::maskSavePath() const {
  const QString from = QString::fromStdString(document_->labelsPath());
  const QFileInfo source(from);
  const auto kind = static_cast<io::DicomObjectKind>(dicomSourceKind());
  if (kind != io::DicomObjectKind::None) {
    // A DICOM SEG/RTSTRUCT is written again as the same kind of object, in place (the
    // viewer's main provides the writer); without a writer, as NIfTI next to it.
    const QString object = QString::fromStdString(io::findDicomLabelObject(from.toStdString()));
    if (dicomWriter_ && QFileInfo(QString::fromStdString(document_->imagePath())).exists()) return object;
    const QFileInfo info(object);
    return QDir(info.absolutePath()).filePath(info.completeBaseName() + "_edited.nii.gz");
  }
  if (!from.isEmpty() && source.isFile()) return from;
  const QString image = QString::fromStdString(document_->imagePath());
  const QFileInfo info(image);
  const std::string name = info.fileName().toStdString();
  const QString stem = info.isDir() ? info.fileName()
                                    : QString::fromStdString(name.substr(0, name.size() - io::imageExtension(name).size()));
  return QDir(info.isDir() ? info.absoluteFilePath() : info.absolutePath()).filePath(stem + "_mask.nii.gz");
}

QString ViewerController::saveMaskInPlace() {
  const QString path = maskSavePath();
  const auto kind = static_cast<io::DicomObjectKind>(dicomSourceKind());
  if (kind != io::DicomObjectKind::None && dicomWriter_ &&
      path.toStdString() == io::findDicomLabelObject(document_->labelsPath())) {
    if (editor_.strokeActive()) editor_.endStroke();
    if (!document_->labels()) throw core::Error("no mask to save: open or compute one first");
    dicomWriter_(*document_->labels(), document_->imagePath(), document_->palette(),
                 kind == io::DicomObjectKind::RtStruct, path.toStdString());
    history_.setClean();
    return path;
  }
  saveMask(path);
  // The mask now has a home on disk: the next Ctrl+S writes there too.
  if (path.toStdString() != document_->labelsPath())
    document_->setSharedLabels(document_->sharedLabels(), path.toStdString());
  return path;
}

namespace {

QString recoveryMask(const QString& folder) { return QDir(folder).filePath("recovery-mask.nii.gz"); }
QString recoveryNote(const QString& folder) { return QDir(folder).filePath("recovery.json"); }

}  // namespace

void ViewerController::writeRecovery(const QString& folder) const {
  if (!document_->labels() || !document_->hasImage()) return;
  QDir().mkpath(folder);
  io::writeLabelMap(*document_->labels(), recoveryMask(folder).toStdString());
  QJsonObject note;
  note["image"] = QString::fromStdString(document_->imagePath());
  note["mask"] = QString::fromStdString(document_->labelsPath());
  note["saved"] = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
  QSaveFile file(recoveryNote(folder));
  if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(note).toJson()) < 0 || !file.commit())
    throw core::Error(recoveryNote(folder).toStdString(), "cannot write the recovery note");
}

bool ViewerController::recoveryAvailable(const QString& folder, QString* imagePath) {
  QFile file(recoveryNote(folder));
  if (!QFileInfo::exists(recoveryMask(folder)) || !file.open(QIODevice::ReadOnly)) return false;
  const QJsonObject note = QJsonDocument::fromJson(file.readAll()).object();
  const QString image = note["image"].toString();
  if (image.isEmpty() || !QFileInfo::exists(image)) return false;
  if (imagePath) *imagePath = image;
  return true;
}

void ViewerController::restoreRecovery(const QString& folder) {
  QString image;
  if (!recoveryAvailable(folder, &image)) throw core::Error(folder.toStdString(), "no recovery to restore");
  QFile file(recoveryNote(folder));
  file.open(QIODevice::ReadOnly);
  const QString mask = QJsonDocument::fromJson(file.readAll()).object()["mask"].toString();
  adoptImage(ViewerDocument::readImage(image.toStdString()), image.toStdString());
  core::LabelMap labels = ViewerDocument::readLabelsOnGrid(recoveryMask(folder).toStdString(), document_->image()->geometry());
  // Saved later, it goes where the lost session's mask came from.
  replaceMask(std::move(labels), mask.toStdString(), "Recovered mask");
}

void ViewerController::clearRecovery(const QString& folder) {
  QFile::remove(recoveryNote(folder));
  QFile::remove(recoveryMask(folder));
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

QString ViewerController::describe() const {
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
    html += QString("<br>Mask: %1 label(s)").arg(legend_->statistics().size());
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
