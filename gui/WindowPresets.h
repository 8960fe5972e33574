#pragma once
// Display windows a radiologist expects by name (CT, in Hounsfield units), and the
// automatic percentile window used for MR and for images without a header window.

#include <string>
#include <vector>

#include "gui/SliceRenderer.h"
#include "core/Volume.h"

namespace aunet::gui {

struct WindowPreset {
  std::string name;
  WindowLevel window;
};

class WindowPresets {
 public:
  // CT brain, subdural, stroke, lung, mediastinum, abdomen, liver, bone.
  static const std::vector<WindowPreset>& ct();
  // A window from the `lowPercent`..`highPercent` percentiles of channel `channel`
  // (sampled on large volumes so it stays fast). Never returns a zero width.
  static WindowLevel automatic(const core::Volume& volume, int channel = 0, double lowPercent = 0.5,
                               double highPercent = 99.5);
  // Modality CT, or no modality and intensities that start at air in Hounsfield units.
  static bool looksLikeCt(const core::Volume& volume);
  // What a freshly opened image shows: the DICOM header's window when present, else
  // the CT abdomen (soft tissue) window for CT, else the automatic window.
  static WindowLevel initial(const core::Volume& volume);
};

}  // namespace aunet::gui
