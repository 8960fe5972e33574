#pragma once
// What the viewer remembers between sessions (QSettings): recent files and the last
// display window used for each study, keyed by its absolute path.

#include <QSettings>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <memory>
#include <optional>

#include "gui/SliceRenderer.h"

namespace aunet::gui {

class ViewerSettings {
 public:
  static constexpr int kMaxRecent = 10;

  // Default: the application's QSettings; tests pass a file.
  ViewerSettings();
  explicit ViewerSettings(const QString& iniFile);

  QStringList recentFiles() const;
  void addRecentFile(const QString& path);  // most recent first, no duplicates
  void clearRecentFiles();

  // The undo history's memory budget (Edit > Undo keeps what fits; default 512 MB).
  size_t undoBudgetBytes() const;
  void setUndoBudgetMb(int megabytes);
  // Where the autosave keeps the edited mask for recovery after a crash
  // (default: the user's application data folder, ".../aunet-viewer/recovery").
  QString recoveryFolder() const;
  void setRecoveryFolder(const QString& folder);
  // Seconds between autosaves of unsaved edits (default 60).
  int autosaveSeconds() const;

  std::optional<WindowLevel> windowFor(const QString& studyPath) const;
  void setWindowFor(const QString& studyPath, const WindowLevel& window);

 private:
  static QString studyKey(const QString& studyPath);
  std::unique_ptr<QSettings> settings_;
};

}  // namespace aunet::gui
