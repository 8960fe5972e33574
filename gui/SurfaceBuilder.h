#pragma once
// Keeps the 3D scene in step with the document: after a new or edited mask it
// rebuilds the label surfaces on the viewer's TaskRunner, one job per label (the
// slice views stay responsive and surfaces appear one by one), and the attention
// iso-surface of the chosen gate. A result for a mask that has been replaced since
// is dropped. Surfaces come from aunet_surface (VTK's discrete flying edges and
// windowed sinc), the same code `aunet mesh` writes files with.

#include <QObject>

#include <memory>

#include "gui/SurfaceScene.h"
#include "surface/LabelSurface.h"

#include "core/Geometry.h"

namespace aunet::core {
class LabelMap;
}

namespace aunet::gui {

class TaskRunner;
class ViewerDocument;

class SurfaceBuilder : public QObject {
  Q_OBJECT
 public:
  SurfaceBuilder(ViewerDocument* document, TaskRunner* tasks, QObject* parent = nullptr);

  SurfaceScene& scene() { return scene_; }
  const SurfaceScene& scene() const { return scene_; }
  // Which attention map (index into ViewerDocument::attention(), -1: none) is shown as
  // an iso-surface at `level` (gate coefficient in (0, 1)); a negative level: midway
  // between the map's lowest and highest value, which is 0.5 for a gate that uses its
  // whole range and still separates the regions of a briefly trained gate whose
  // coefficients all lie near 0.5 (a fixed 0.5 then wraps the whole volume).
  void setAttention(int index, float level = -1.0f);
  int attentionIndex() const { return attentionIndex_; }
  // The options the viewer meshes with (also "Export surfaces..."'s).
  static surface::SurfaceOptions viewerOptions();
  // The grid the view meshes on: the mask's own up to 256 voxels an axis; a larger
  // axis is coarsened by a whole factor (512x512x400 -> 256x256x200), same field of
  // view. A CT mask then meshes in a quarter of the triangles and an eighth of the
  // voxels, which is what keeps rotating smooth on a software renderer. Exported
  // surfaces use the full grid.
  static core::Geometry displayGrid(const core::Geometry& mask);
  // Labels whose surface is still being built.
  int building() const { return building_; }

 Q_SIGNALS:
  void sceneChanged();  // a mesh arrived, went, or changed colour/opacity

 private:
  void onLabelsChanged();
  void rebuildLabels();
  void rebuildAttention();

  ViewerDocument* document_;
  TaskRunner* tasks_;
  SurfaceScene scene_;
  std::shared_ptr<const core::LabelMap> built_;  // the mask the scene's label meshes belong to
  int labelGeneration_ = 0;
  int attentionGeneration_ = 0;
  int attentionIndex_ = -1;
  float attentionLevel_ = -1.0f;
  int building_ = 0;
};

}  // namespace aunet::gui
