#pragma once
// The overlay controls: label opacity and filled/outline mode, the legend (visibility,
// voxels, mL, Dice), the reference mask's outlines, and the attention map's level,
// opacity and threshold. Edits the shared OverlaySettings and says so.

#include <QWidget>

#include <vector>

#include "gui/OverlaySettings.h"

class QCheckBox;
class QComboBox;
class QSlider;
class QTableView;
class QLabel;

namespace aunet::gui {

class LabelTableModel;

class OverlayPanel : public QWidget {
  Q_OBJECT
 public:
  OverlayPanel(OverlaySettings* settings, LabelTableModel* legend, QWidget* parent = nullptr);

  // The attention maps available, by gate level; keeps the choice when it still exists,
  // otherwise shows the last (deepest) map.
  void setAttentionLevels(const std::vector<int64_t>& levels);
  void setReferenceAvailable(bool available);
  QTableView* legendView() const { return legendView_; }
  QComboBox* attentionCombo() const { return attentionLevel_; }

 Q_SIGNALS:
  void changed();

 private:
  void readControls();

  OverlaySettings* settings_;
  LabelTableModel* legend_;
  QCheckBox* labelsVisible_;
  QSlider* labelOpacity_;
  QComboBox* labelMode_;
  QCheckBox* referenceVisible_;
  QTableView* legendView_;
  QComboBox* attentionLevel_;
  QSlider* heatOpacity_;
  QSlider* heatThreshold_;
  QLabel* thresholdValue_;
};

}  // namespace aunet::gui
