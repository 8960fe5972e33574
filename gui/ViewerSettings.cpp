#include "gui/ViewerSettings.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <algorithm>

namespace aunet::gui {

ViewerSettings::ViewerSettings() : settings_(std::make_unique<QSettings>("aunet", "aunet-viewer")) {}

ViewerSettings::ViewerSettings(const QString& iniFile)
    : settings_(std::make_unique<QSettings>(iniFile, QSettings::IniFormat)) {}

QStringList ViewerSettings::recentFiles() const { return settings_->value("recentFiles").toStringList(); }

void ViewerSettings::addRecentFile(const QString& path) {
  const QString absolute = QFileInfo(path).absoluteFilePath();
  QStringList list = recentFiles();
  list.removeAll(absolute);
  list.prepend(absolute);
  while (list.size() > kMaxRecent) list.removeLast();
  settings_->setValue("recentFiles", list);
}

void ViewerSettings::clearRecentFiles() { settings_->remove("recentFiles"); }

size_t ViewerSettings::undoBudgetBytes() const {
  const int mb = settings_->value("editing/undoBudgetMB", 512).toInt();
  return static_cast<size_t>(std::max(mb, 1)) << 20;
}

void ViewerSettings::setUndoBudgetMb(int megabytes) { settings_->setValue("editing/undoBudgetMB", megabytes); }

QString ViewerSettings::recoveryFolder() const {
  const QString configured = settings_->value("editing/recoveryFolder").toString();
  if (!configured.isEmpty()) return configured;
  return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).filePath("recovery");
}

void ViewerSettings::setRecoveryFolder(const QString& folder) { settings_->setValue("editing/recoveryFolder", folder); }

int ViewerSettings::autosaveSeconds() const { return std::max(1, settings_->value("editing/autosaveSeconds", 60).toInt()); }

QString ViewerSettings::studyKey(const QString& studyPath) {
  // Paths hold '/' which QSettings treats as groups: hash them into one flat key.
  const QString absolute = QFileInfo(studyPath).absoluteFilePath();
  return "windows/" + QString::fromLatin1(QCryptographicHash::hash(absolute.toUtf8(), QCryptographicHash::Sha1).toHex());
}

std::optional<WindowLevel> ViewerSettings::windowFor(const QString& studyPath) const {
  const QString key = studyKey(studyPath);
  if (!settings_->contains(key + "/center") || !settings_->contains(key + "/width")) return std::nullopt;
  const double width = settings_->value(key + "/width").toDouble();
  if (!(width > 0)) return std::nullopt;
  return WindowLevel{settings_->value(key + "/center").toDouble(), width};
}

void ViewerSettings::setWindowFor(const QString& studyPath, const WindowLevel& window) {
  const QString key = studyKey(studyPath);
  settings_->setValue(key + "/center", window.center);
  settings_->setValue(key + "/width", window.width);
}

}  // namespace aunet::gui
