#pragma once
// The correction-to-model loop without widgets (issue: learning from corrections):
// the open image and its corrected mask become a training case of an nnU-Net dataset
// (io::NnUNetDataset, the same code as `aunet dataset add`), the model is fine-tuned on
// that dataset on the viewer's one TaskRunner (progress, loss curve, cancel), and the
// new model segments the open image so the old mask and the new one can be compared
// side by side, Dice per label. The fine-tuner is torch-free (model/api/FineTuner.h);
// the viewer's main hands in the pipeline's.

#include <QObject>
#include <QString>

#include <memory>
#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "core/Progress.h"
#include "model/api/FineTuner.h"

namespace aunet::gui {

class ViewerController;

// Old mask against the new model's, on the open image.
struct ModelComparison {
  QString modelPath;                                // the new model
  std::shared_ptr<const core::LabelMap> before;     // the mask shown when the comparison started
  std::shared_ptr<const core::LabelMap> after;      // the new model's segmentation
  struct Row {
    int label = 0;
    QString name;
    int64_t beforeVoxels = 0, afterVoxels = 0;
    double dice = 0.0;                              // between before and after
  };
  std::vector<Row> rows;                            // every label in either mask, ascending
};

class CorrectionLoop : public QObject {
  Q_OBJECT
 public:
  CorrectionLoop(ViewerController& controller, std::shared_ptr<model::FineTuner> fineTuner, QObject* parent = nullptr);
  ~CorrectionLoop() override;  // cancels a running fine-tuning and waits for it

  bool canFineTune() const { return static_cast<bool>(fineTuner_); }

  // Writes the open image and its mask as a new case of the dataset in `folder`. A
  // folder without dataset.json becomes a dataset first, with the open model's channels
  // and labels (so fine-tuning it keeps its plan). Returns the case id; throws
  // core::Error (no image, no mask, no model for a new dataset, a mask the dataset
  // cannot take) with nothing written.
  std::string addToDataset(const QString& folder, const QString& caseName = {});

  // Fine-tunes the open model on `dataset` into `runDir` on the viewer's TaskRunner;
  // fineTuneProgress() after each step, then fineTuneFinished(). False with `whyNot`
  // when it cannot start (no fine-tuner, no model, one already running).
  bool startFineTune(const QString& dataset, const QString& runDir, int epochs, int iterationsPerEpoch, QString* whyNot);
  void cancelFineTune();
  bool fineTuning() const { return running_; }
  // The loss curve so far: the epoch's mean loss after each step.
  const std::vector<double>& losses() const { return losses_; }
  const QString& fineTunedModel() const { return fineTunedModel_; }

  // Segments the open image with `modelPath` on the TaskRunner and compares with the
  // mask on screen now; comparisonFinished() follows. False with `whyNot` without an
  // image, a mask or a way to load models.
  bool startComparison(const QString& modelPath, QString* whyNot);
  const ModelComparison* comparison() const { return comparison_.get(); }

 Q_SIGNALS:
  void fineTuneProgress(int epoch, int epochs, int iteration, int iterations, double loss);
  // succeeded: `detail` is the new model's path; else the reason ("cancelled" when cancelled).
  void fineTuneFinished(bool succeeded, const QString& detail);
  void comparisonFinished(bool succeeded, const QString& detail);

 private:
  ViewerController& controller_;
  std::shared_ptr<model::FineTuner> fineTuner_;
  std::shared_ptr<core::CancellationToken> cancel_;
  bool running_ = false;
  std::vector<double> losses_;
  QString fineTunedModel_;
  std::unique_ptr<ModelComparison> comparison_;
};

}  // namespace aunet::gui
