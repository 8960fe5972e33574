#include "gui/WindowPresetBox.h"

#include <QPointF>
#include <QSignalBlocker>

#include <cmath>

#include "gui/WindowPresets.h"

namespace aunet::gui {

namespace {

bool same(double a, double b) { return std::abs(a - b) < 1e-6; }

bool hasDicomWindow(const core::Volume* image) {
  return image && image->metadata().windowCenter && image->metadata().windowWidth;
}

}  // namespace

WindowPresetBox::WindowPresetBox(QWidget* parent) : QComboBox(parent) {
  setObjectName("windowPresets");
  setMinimumContentsLength(16);
  setPlaceholderText("custom (right drag)");
}

void WindowPresetBox::fill(const core::Volume* image) {
  const QSignalBlocker block(this);
  clear();
  addItem("Automatic (0.5-99.5%)");
  if (hasDicomWindow(image))
    addItem(QString("DICOM header (W %1 L %2)").arg(*image->metadata().windowWidth).arg(*image->metadata().windowCenter));
  for (const auto& p : WindowPresets::ct())
    addItem(QString("%1 (W %2 L %3)").arg(QString::fromStdString(p.name)).arg(p.window.width).arg(p.window.center),
            QVariant::fromValue(QPointF(p.window.center, p.window.width)));
}

void WindowPresetBox::sync(const WindowLevel& window, const core::Volume* image) {
  const QSignalBlocker block(this);
  for (int i = 0; i < count(); ++i) {
    const std::optional<WindowLevel> w = windowAt(i, image);
    if (w && same(w->center, window.center) && same(w->width, window.width)) {
      setCurrentIndex(i);
      return;
    }
  }
  setCurrentIndex(-1);
}

std::optional<WindowLevel> WindowPresetBox::windowAt(int index, const core::Volume* image) const {
  if (!image || index < 0 || index >= count()) return std::nullopt;
  const QVariant preset = itemData(index);
  if (preset.isValid() && preset.canConvert<QPointF>()) {
    const QPointF cw = preset.toPointF();
    return WindowLevel{cw.x(), cw.y()};
  }
  if (index == 1 && hasDicomWindow(image))
    return WindowLevel{*image->metadata().windowCenter, *image->metadata().windowWidth};
  return WindowPresets::automatic(*image);
}

}  // namespace aunet::gui
