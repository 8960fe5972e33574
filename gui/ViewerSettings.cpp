#include "gui/ViewerSettings.h"

#include <QCryptographicHash>
#include <QFileInfo>

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

QString ViewerSettings::measurementsFor(const QString& studyPath) const {
  return settings_->value(studyKey(studyPath) + "/measurements").toString();
}

void ViewerSettings::setMeasurementsFor(const QString& studyPath, const QString& json) {
  const QString key = studyKey(studyPath) + "/measurements";
  if (json.isEmpty() || json == "[]")
    settings_->remove(key);
  else
    settings_->setValue(key, json);
}

}  // namespace aunet::gui
