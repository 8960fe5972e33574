#pragma once
// The viewer's menus (File, Edit, View, Segmentation, Help) and toolbar, wired to the
// main window's public actions. Widgets only: what an action does is in MainWindow and
// ViewerController.

class QAction;
class QMenu;
class QSpinBox;
#include <QStringList>

#include <functional>

namespace aunet::gui {

class MainWindow;
class WindowPresetBox;

class ViewerMenus {
 public:
  // The widgets the window keeps updating.
  struct Built {
    QMenu* recentFiles = nullptr;
    WindowPresetBox* windowPresets = nullptr;
    QSpinBox* volumeSelector = nullptr;
    QAction* volumeAction = nullptr;  // shows the volume box only for images of several volumes
  };
  static Built build(MainWindow& window);
  // File > Recent files: one entry per path (opened as image, mask or model as fits),
  // and Clear, which calls `clear`.
  static void fillRecentFiles(QMenu* menu, MainWindow& window, const QStringList& recent,
                              const std::function<void()>& clear);
};

}  // namespace aunet::gui
