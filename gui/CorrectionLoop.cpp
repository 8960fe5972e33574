#include "gui/CorrectionLoop.h"

#include <QDir>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>
#include <QThreadPool>

#include <filesystem>
#include <map>
#include <set>

#include "gui/ViewerController.h"
#include "imaging/LabelStatistics.h"
#include "io/NnUNetDataset.h"
#include "core/Cancelled.h"
#include "core/Error.h"

namespace aunet::gui {

namespace fs = std::filesystem;

CorrectionLoop::CorrectionLoop(ViewerController& controller, std::shared_ptr<model::FineTuner> fineTuner, QObject* parent)
    : QObject(parent), controller_(controller), fineTuner_(std::move(fineTuner)) {}

CorrectionLoop::~CorrectionLoop() {
  if (running_) {
    cancel_->cancel();  // the trainer stops within a step
    QThreadPool::globalInstance()->waitForDone();
  }
}

std::string CorrectionLoop::addToDataset(const QString& folder, const QString& caseName) {
  const ViewerDocument& document = controller_.document();
  const std::string root = folder.toStdString();
  if (!document.hasImage()) throw core::Error(root, "open an image before adding it to a training dataset");
  if (!document.labels()) throw core::Error(root, "segment or open a mask before adding the image to a training dataset");
  std::error_code ec;
  if (!fs::exists(fs::path(root) / "dataset.json", ec)) {
    // A new dataset takes the open model's channels and labels, and notes the model.
    const auto& segmenter = controller_.segmenter();
    if (!segmenter)
      throw core::Error(root, "holds no dataset.json: open the model the dataset is for first (its channels and labels)");
    const model::ModelMetadata& meta = segmenter->metadata();
    std::vector<std::pair<std::string, int>> labels;
    for (const auto& l : meta.labels) labels.emplace_back(l.name, l.value);
    std::vector<std::string> channels = meta.channel_names;
    for (int c = static_cast<int>(channels.size()); c < document.image()->channels(); ++c)
      channels.push_back("channel" + std::to_string(c));  // a model that does not name them
    io::NnUNetDataset::create(root, channels, labels,
                              fs::absolute(controller_.modelPath().toStdString()).lexically_normal().string(),
                              meta.provenance.created);
  }
  io::NnUNetDataset dataset = io::NnUNetDataset::load(root);
  const std::string maskName = document.labelsPath().empty() ? "the mask on screen" : document.labelsPath();
  return dataset.addCase(*document.image(), *document.labels(), caseName.toStdString(),
                         document.imagePath().empty() ? "the image" : document.imagePath(), maskName);
}

bool CorrectionLoop::startFineTune(const QString& dataset, const QString& runDir, int epochs, int iterationsPerEpoch,
                                   QString* whyNot) {
  QString reason;
  if (!fineTuner_) reason = "fine-tuning is not available in this build";
  else if (controller_.modelPath().isEmpty()) reason = "open the model to fine-tune first";
  else if (running_) reason = "a fine-tuning is already running";
  else if (dataset.isEmpty() || !QFileInfo(QDir(dataset).filePath("dataset.json")).exists())
    reason = dataset + " holds no dataset.json (add a case to it first)";
  if (!reason.isEmpty()) {
    if (whyNot) *whyNot = reason;
    return false;
  }
  model::FineTuneRequest request;
  request.dataset = dataset.toStdString();
  request.model = controller_.modelPath().toStdString();
  request.runDir = runDir.toStdString();
  request.epochs = epochs;
  request.iterationsPerEpoch = iterationsPerEpoch;
  cancel_ = std::make_shared<core::CancellationToken>();
  running_ = true;
  losses_.clear();
  fineTunedModel_.clear();
  QPointer<CorrectionLoop> self(this);
  auto tuner = fineTuner_;
  auto cancel = cancel_;
  controller_.tasks().run(
      "Fine-tuning " + QFileInfo(controller_.modelPath()).fileName() + " on " + QFileInfo(dataset).fileName(),
      [self, tuner, cancel, request, target = this]() -> TaskRunner::UiStep {
        auto progress = [target](const model::FineTuneProgress& p) {
          // Queued onto the UI thread; dropped if the loop is gone by then.
          QMetaObject::invokeMethod(
              target,
              [target, p] {
                target->losses_.push_back(p.loss);
                Q_EMIT target->fineTuneProgress(p.epoch, p.epochs, p.iteration, p.iterations, p.loss);
              },
              Qt::QueuedConnection);
        };
        std::string modelPath;
        QString failure;
        try {
          modelPath = tuner->fineTune(request, progress, cancel.get());
        } catch (const core::Cancelled&) {
          failure = "cancelled";
        } catch (const std::exception& e) {
          failure = QString::fromStdString(e.what());
        }
        return [self, modelPath, failure] {
          if (!self) return;
          self->running_ = false;
          if (!failure.isEmpty()) {
            Q_EMIT self->fineTuneFinished(false, failure);
            return;
          }
          self->fineTunedModel_ = QString::fromStdString(modelPath);
          Q_EMIT self->fineTuneFinished(true, self->fineTunedModel_);
        };
      });
  return true;
}

void CorrectionLoop::cancelFineTune() {
  if (running_ && cancel_) cancel_->cancel();
}

bool CorrectionLoop::startComparison(const QString& modelPath, QString* whyNot) {
  const ViewerDocument& document = controller_.document();
  QString reason;
  if (!controller_.segmenterFactory()) reason = "segmentation is not available in this build";
  else if (!document.hasImage()) reason = "open an image first";
  else if (!document.sharedLabels()) reason = "there is no mask on screen to compare with";
  if (!reason.isEmpty()) {
    if (whyNot) *whyNot = reason;
    return false;
  }
  const auto image = document.image();
  const auto before = document.sharedLabels();
  const auto factory = controller_.segmenterFactory();
  std::map<int, std::string> names;
  for (const auto& l : document.palette())
    if (l.value != 0) names[l.value] = l.name;
  QPointer<CorrectionLoop> self(this);
  controller_.tasks().run(
      "Segmenting with " + QFileInfo(modelPath).fileName(),
      [self, image, before, factory, names, modelPath]() -> TaskRunner::UiStep {
        auto comparison = std::make_shared<ModelComparison>();
        comparison->modelPath = modelPath;
        try {
          comparison->before = before;
          std::unique_ptr<model::Segmenter> segmenter = factory(modelPath.toStdString());
          auto after = std::make_shared<core::LabelMap>(segmenter->segment(*image, model::SegmentationSettings{}).labels);
          comparison->after = after;
          // One pass: the new mask's labels with Dice against the old one.
          for (const auto& s : imaging::computeLabelStatistics(*after, nullptr, names, before.get())) {
            ModelComparison::Row row;
            row.label = s.label;
            row.name = QString::fromStdString(s.name);
            row.afterVoxels = s.voxelCount;
            row.beforeVoxels = before->count(static_cast<uint16_t>(s.label));
            row.dice = s.dice.value_or(0.0);
            comparison->rows.push_back(row);
          }
        } catch (const std::exception& e) {
          const QString reason = QString::fromStdString(e.what());
          return [self, reason] {
            if (self) Q_EMIT self->comparisonFinished(false, reason);
          };
        }
        return [self, comparison] {
          if (!self) return;
          self->comparison_ = std::make_unique<ModelComparison>(*comparison);
          Q_EMIT self->comparisonFinished(true, comparison->modelPath);
        };
      });
  return true;
}

}  // namespace aunet::gui
