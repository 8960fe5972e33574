#pragma once
// What the viewer remembers between sessions (QSettings): recent files, and for each
// study (keyed by its absolute path) the last display window and its measurements.

#include <QSettings>
#include <QString>
#include <QStringList>

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

  std::optional<WindowLevel> windowFor(const QString& studyPath) const;
  void setWindowFor(const QString& studyPath, const WindowLevel& window);
  // The study's measurements (MeasurementSet::toJson); empty when none were kept.
  QString measurementsFor(const QString& studyPath) const;
  void setMeasurementsFor(const QString& studyPath, const QString& json);

 private:
  static QString studyKey(const QString& studyPath);
  std::unique_ptr<QSettings> settings_;
};

}  // namespace aunet::gui
