#pragma once
// The "Edit" dock: the mask editor's tools (navigate, brush, eraser, fill, islands),
// the active label with add / rename / colour / delete, brush size (mm) and 2D/3D,
// the paint-over rule, threshold-limited painting, fill between slices, and the undo
// history's memory use. Widgets only: every control calls MaskEditor.

#include <QWidget>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;

namespace aunet::gui {

class ViewerController;

class EditToolPanel : public QWidget {
  Q_OBJECT
 public:
  explicit EditToolPanel(ViewerController& controller, QWidget* parent = nullptr);

  // The controls show the editor's state again (after a key changed it).
  void sync();

 Q_SIGNALS:
  // Something the views draw changed (tool: the brush outline; threshold: the preview).
  void changed();
  void interpolateRequested();

 private:
  void fillLabels();
  void applyRule();
  void applyThreshold();
  void addLabel();
  void renameLabel();
  void recolourLabel();
  void deleteLabel();

  ViewerController& controller_;
  QButtonGroup* tools_;
  QComboBox* label_;
  QDoubleSpinBox* size_;
  QCheckBox* sphere_;
  QComboBox* paintOver_;
  QCheckBox* threshold_;
  QDoubleSpinBox* low_;
  QDoubleSpinBox* high_;
  QLabel* history_;
  bool syncing_ = false;
};

}  // namespace aunet::gui
