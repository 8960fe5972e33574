#pragma once
// What the viewer has open: the image, its label map, a reference mask, attention
// maps and the label palette. Loading throws core::Error with one line naming the
// file and the reason (the window turns it into a dialog); masks and attention maps
// on another grid are moved onto the image grid through physical space, so a mask
// stored with flipped rows still lines up.

#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/LabelMap.h"
#include "core/Volume.h"
#include "imaging/LabelDelta.h"
#include "model/api/LabelInfo.h"

namespace aunet::gui {

class ViewerDocument : public QObject {
  Q_OBJECT
 public:
  explicit ViewerDocument(QObject* parent = nullptr);

  // Reads an image as the viewer opens it (uneven DICOM series accepted with a warning).
  static core::Volume readImage(const std::string& path, const std::string& dicomSeriesUid = {});
  // Replaces everything (masks and attention maps belong to the previous image).
  void setImage(core::Volume image, const std::string& path);
  // Reading and moving onto `grid` without touching the document, so it can run on a
  // worker thread; the window then hands the result to setLabels()/setReference()/
  // setAttention(). `path` names the file in errors and notes.
  // A DICOM SEG or RTSTRUCT (or a folder holding one) fills `names` with its segments'
  // names and colours.
  static core::LabelMap readLabelsOnGrid(const std::string& path, const core::Geometry& grid,
                                         std::vector<std::string>* notes = nullptr,
                                         std::vector<model::LabelInfo>* names = nullptr);
  static core::Volume readAttentionOnGrid(const std::string& path, const core::Geometry& grid,
                                          std::vector<std::string>* notes = nullptr);
  // The gate level an attention file holds: "attention_level2.nii.gz" is level 2;
  // other names get the next free number after `levels`.
  static int64_t attentionLevelFor(const std::string& path, const std::vector<int64_t>& levels);
  // Adds one attention map (already on the image grid) at `level`.
  void addAttention(core::Volume map, int64_t level);
  void setLabels(core::LabelMap labels, const std::string& path);
  // The same with a shared mask (null: none), so an undo stack can keep both versions.
  void setSharedLabels(std::shared_ptr<const core::LabelMap> labels, const std::string& path);
  void setReference(core::LabelMap labels, const std::string& path);
  // Attention maps on the image grid, values in [0, 1], one per gate level.
  void setAttention(std::vector<core::Volume> maps, std::vector<int64_t> levels);
  // Label names/colours (from a model); empty restores the default palette.
  void setPalette(std::vector<model::LabelInfo> palette);
  // One label's name and colour (added, renamed or recoloured by the user); kept over
  // the defaults until the image changes. removeLabelInfo() forgets it again.
  void setLabelInfo(const model::LabelInfo& info);
  void removeLabelInfo(int value);
  // The mask edited in place by undo-able deltas (MaskDeltaCommand, MaskEditor): every
  // holder of the shared mask (the undo stack) sees the same contents, which the
  // deltas keep consistent with its position in the stack. Null without a mask.
  core::LabelMap* editableLabels() { return const_cast<core::LabelMap*>(labels_.get()); }
  // After an in-place edit: views redraw the slices crossing the changed voxels'
  // box, the legend updates its counts from the delta.
  void notifyLabelsEdited(const imaging::LabelDelta& delta, bool reverted);

  bool hasImage() const { return image_ != nullptr; }
  std::shared_ptr<const core::Volume> image() const { return image_; }
  const std::string& imagePath() const { return imagePath_; }
  const core::LabelMap* labels() const { return labels_.get(); }
  // Shared handles for workers (statistics) that must outlive a replacement.
  std::shared_ptr<const core::LabelMap> sharedLabels() const { return labels_; }
  std::shared_ptr<const core::LabelMap> sharedReference() const { return reference_; }
  const std::string& labelsPath() const { return labelsPath_; }
  const core::LabelMap* reference() const { return reference_.get(); }
  const std::vector<core::Volume>& attention() const { return attention_; }
  const std::vector<int64_t>& attentionLevels() const { return attentionLevels_; }
  // The palette in use: the model's, or defaults covering every label present.
  const std::vector<model::LabelInfo>& palette() const { return palette_; }
  std::string labelName(int value) const;

 Q_SIGNALS:
  void imageChanged();
  void labelsChanged();      // labels, reference or palette
  // Voxels of the mask changed in place (`reverted`: the delta was undone); `min`/`max`
  // is the inclusive voxel box of the change.
  void labelsEdited(const aunet::imaging::LabelDelta* delta, bool reverted, aunet::core::Index3 min,
                    aunet::core::Index3 max);
  void attentionChanged();

 private:
  void requireImage(const std::string& path, const char* what) const;
  void refreshPalette();

  std::shared_ptr<const core::Volume> image_;
  std::string imagePath_;
  std::shared_ptr<const core::LabelMap> labels_;
  std::string labelsPath_;
  std::shared_ptr<const core::LabelMap> reference_;
  std::vector<core::Volume> attention_;
  std::vector<int64_t> attentionLevels_;
  std::vector<model::LabelInfo> modelPalette_;
  std::vector<model::LabelInfo> palette_;
};

}  // namespace aunet::gui
