#pragma once
// The viewer's menus (File, Edit, View, Segmentation, Help) and toolbar, wired to the
// main window's public actions. Widgets only: what an action does is in MainWindow and
// ViewerController.

class QAction;
class QMenu;
class QSpinBox;

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
};

}  // namespace aunet::gui
