#pragma once
// The toolbar's window/level choice: automatic (percentiles), the DICOM header's
// window, the CT presets; shows which one is in use, or nothing after a custom drag.

#include <QComboBox>

#include <optional>

#include "core/Volume.h"
#include "gui/SliceRenderer.h"

namespace aunet::gui {

class WindowPresetBox : public QComboBox {
  Q_OBJECT
 public:
  explicit WindowPresetBox(QWidget* parent = nullptr);

  // The choices for `image` (null: the generic ones).
  void fill(const core::Volume* image);
  // Selects the choice equal to `window`, or none ("custom").
  void sync(const WindowLevel& window, const core::Volume* image);
  // The window choice `index` stands for; nothing without an image.
  std::optional<WindowLevel> windowAt(int index, const core::Volume* image) const;
};

}  // namespace aunet::gui
